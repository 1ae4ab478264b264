import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The subset of an OpenAPI v3 schema that the planner CRDs use. */
export interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** A CRD reduced to what the code generator needs. */
export interface CrdSource {
  kind: string;
  schema: JsonSchema;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Folder of the chart's CRD manifests, which are the single source of the API. */
export const crdFolder = join(here, '..', '..', 'charts', 'planner', 'files', 'crds');

/** Path of the generated TypeScript file. */
export const generatedFile = join(here, 'generated.ts');

/**
 * Names for nested types that several kinds share or that controllers use by name.
 * Keys are `Kind.path`, with `[]` for array items.
 */
const typeNames: Record<string, string> = {
  'PlannerApp.spec.workloadRef': 'WorkloadReference',
  'PlannerApp.spec.replicas': 'ReplicaSettings',
  'PlannerApp.spec.replicas.behavior': 'ScalingBehavior',
  'PlannerApp.spec.replicas.behavior.scaleUp': 'ScalingRules',
  'PlannerApp.spec.replicas.behavior.scaleUp.policies[]': 'ScalingPolicy',
  'PlannerApp.spec.schedules[]': 'ReplicaSchedule',
  'PlannerApp.status.quiesce': 'QuiesceStatus',
  'PlannerApp.status.conditions[]': 'Condition',
  'PlannerApp.spec.database': 'DatabaseSettings',
  'PlannerApp.spec.database.secretRef': 'LocalObjectReference',
  'PlannerApp.spec.deletion': 'DeletionSettings',
  'PlannerBackup.spec.appRef': 'AppReference',
  'PlannerBackup.spec.storage': 'BackupStorage',
  'PlannerBackup.spec.storage.pvc': 'PvcStorage',
  'PlannerBackup.spec.storage.s3': 'S3Storage',
  'PlannerBackup.spec.storage.s3.credentialsSecretRef': 'S3CredentialsSecretReference',
  'PlannerBackup.spec.retention': 'RetentionPolicy',
  'PlannerBackup.spec.job': 'JobSettings',
  'PlannerBackup.spec.job.resources': 'ResourceRequirements',
  'PlannerBackup.spec.job.tolerations[]': 'Toleration',
  'PlannerBackup.status.activeRun': 'BackupActiveRun',
  'PlannerBackup.status.lastRun': 'BackupRecord',
  'PlannerBackup.status.skippedRuns[]': 'SkippedRun',
  'PlannerRestore.spec.source': 'RestoreSource',
  'PlannerRestore.spec.source.backupRef': 'BackupReference',
  'PlannerRestore.status.restoredBackup': 'RestoredBackup',
};

/** Reads every CRD manifest in the folder, sorted by file name. */
export function readCrdSources(folder = crdFolder): CrdSource[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const crd = parse(readFileSync(join(folder, file), 'utf8')) as {
        spec: { names: { kind: string }; versions: { schema: { openAPIV3Schema: JsonSchema } }[] };
      };
      const version = crd.spec.versions[0];
      if (version === undefined) throw new Error(`CRD ${file} has no version`);
      return { kind: crd.spec.names.kind, schema: version.schema.openAPIV3Schema };
    });
}

function pascal(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Structural identity of a schema, ignoring descriptions, so identical shapes share one type. */
function shapeKey(schema: JsonSchema): string {
  return JSON.stringify(schema, (key, value: unknown) => (key === 'description' ? undefined : value));
}

function docComment(description: string | undefined, indent: string): string {
  if (description === undefined) return '';
  const text = description.replace(/\s+/g, ' ').trim().replaceAll('*/', '*\\/');
  return `${indent}/** ${text} */\n`;
}

class Emitter {
  readonly blocks: string[] = [];
  private readonly byShape = new Map<string, string>();

  typeOf(schema: JsonSchema, kind: string, path: string): string {
    if (schema['x-kubernetes-int-or-string'] === true) return 'number | string';
    if (schema['x-kubernetes-preserve-unknown-fields'] === true) return 'Record<string, unknown>';
    if (schema.enum !== undefined) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
    switch (schema.type) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array':
        return `${this.wrap(this.typeOf(schema.items ?? {}, kind, `${path}[]`))}[]`;
      case 'object':
        return this.objectType(schema, kind, path);
      default:
        return 'unknown';
    }
  }

  private wrap(type: string): string {
    return type.includes('|') ? `(${type})` : type;
  }

  private objectType(schema: JsonSchema, kind: string, path: string): string {
    if (schema.properties === undefined) {
      const values = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
      return `Record<string, ${this.typeOf(values, kind, `${path}{}`)}>`;
    }
    const key = shapeKey(schema);
    const known = this.byShape.get(key);
    if (known !== undefined) return known;
    const name = typeNames[`${kind}.${path}`] ?? defaultName(kind, path);
    this.byShape.set(key, name);
    this.emitInterface(name, schema, kind, path);
    return name;
  }

  private emitInterface(name: string, schema: JsonSchema, kind: string, path: string): void {
    const required = new Set(schema.required ?? []);
    const lines = Object.entries(schema.properties ?? {}).map(([property, child]) => {
      const optional = required.has(property) ? '' : '?';
      const type = this.typeOf(child, kind, `${path}.${property}`);
      return `${docComment(child.description, '  ')}  ${property}${optional}: ${type};`;
    });
    this.blocks.push(`${docComment(schema.description, '')}export interface ${name} {\n${lines.join('\n')}\n}\n`);
  }
}

function defaultName(kind: string, path: string): string {
  const parts = path.split('.').map((part) => pascal(part.replace('[]', 'Item').replace('{}', 'Value')));
  return kind + parts.join('');
}

/** Renders TypeScript interfaces for the spec and status of every CRD. */
export function renderTypes(sources: readonly CrdSource[]): string {
  const emitter = new Emitter();
  const header = [
    '// Generated from the CRD manifests in charts/planner/files/crds by operator/api/codegen.ts.',
    '// Do not edit: change the CRD and run `node operator/api/codegen.ts`.',
    "import type { V1ObjectMeta } from '@kubernetes/client-node';",
    '',
  ].join('\n');
  for (const { kind, schema } of sources) {
    const spec = schema.properties?.spec;
    const status = schema.properties?.status;
    if (spec === undefined || status === undefined) throw new Error(`CRD ${kind} lacks spec or status`);
    const specType = emitter.typeOf(spec, kind, 'spec');
    const statusType = emitter.typeOf(status, kind, 'status');
    emitter.blocks.push(
      `${docComment(schema.description, '')}export interface ${kind} {\n` +
        `  apiVersion?: string;\n  kind?: string;\n  metadata?: V1ObjectMeta;\n` +
        `  spec: ${specType};\n  status?: ${statusType};\n}\n`,
    );
  }
  return `${header}\n${emitter.blocks.join('\n')}`;
}

/** Renders the types and formats them with the project's prettier settings. */
export async function renderFormattedTypes(sources: readonly CrdSource[]): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(generatedFile)) ?? {};
  return prettier.format(renderTypes(sources), { ...options, parser: 'typescript' });
}

if (import.meta.main) {
  writeFileSync(generatedFile, await renderFormattedTypes(readCrdSources()));
  console.log(`wrote ${generatedFile}`);
}
