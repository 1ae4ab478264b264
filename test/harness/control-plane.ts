import { request } from 'node:https';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { generateCertificates, type ControlPlaneCertificates } from './certificates.ts';
import { installCrds } from './crds.ts';
import { findFreePort, startProcess, waitFor, type ManagedProcess } from './processes.ts';
import { createRunDirectory, type RunDirectory } from './run-directory.ts';
import { ensureTools, type ToolName } from './tools.ts';

/** A running test control plane: etcd, kube-apiserver and kube-controller-manager on loopback. */
export interface ControlPlane {
  /** Admin credentials for @kubernetes/client-node. */
  readonly kubeConfig: KubeConfig;
  /** A kubeconfig file with the same admin credentials, for kubectl and helm. */
  readonly kubeconfigPath: string;
  /** The API server's URL, https://127.0.0.1:PORT. */
  readonly server: string;
  /** Paths of kubectl, helm and the control-plane programs. */
  readonly tools: Record<ToolName, string>;
  /** The run folder holding logs, certificates and etcd's data. */
  readonly directory: string;
  /** Stops and starts kube-apiserver again on the same port, keeping etcd's data. */
  restartApiServer(): Promise<void>;
  /** Stops every process and removes the run folder. */
  stop(): Promise<void>;
}

/** Options for {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Run kube-controller-manager (Deployments, ReplicaSets, Jobs, namespace deletion, HPAs). Default true. */
  controllerManager?: boolean;
  /** Install the CRDs from charts/planner/files/crds. Default true. */
  installCrds?: boolean;
}

interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiServer: number;
}

function kubeconfigFor(server: string, certificates: ControlPlaneCertificates): string {
  const encode = (pem: string): string => Buffer.from(pem).toString('base64');
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'planner-test', cluster: { server, 'certificate-authority-data': encode(certificates.caCert) } },
      ],
      users: [
        {
          name: 'admin',
          user: {
            'client-certificate-data': encode(certificates.adminCert),
            'client-key-data': encode(certificates.adminKey),
          },
        },
      ],
      contexts: [{ name: 'planner-test', context: { cluster: 'planner-test', user: 'admin', namespace: 'default' } }],
      'current-context': 'planner-test',
    },
    null,
    2,
  );
}

/** Resolves true once GET /readyz returns 200 to the admin certificate. */
function isReady(server: string, certificates: ControlPlaneCertificates): Promise<true | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server}/readyz`,
      {
        ca: certificates.caCert,
        cert: certificates.adminCert,
        key: certificates.adminKey,
        timeout: 2_000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200 ? true : undefined);
      },
    );
    req.on('timeout', () => req.destroy(new Error('readyz timed out')));
    req.on('error', reject);
    req.end();
  });
}

function startEtcd(run: RunDirectory, etcd: string, ports: Ports): ManagedProcess {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return startProcess(
    'etcd',
    etcd,
    [
      '--name',
      'planner-test',
      '--data-dir',
      join(run.path, 'etcd'),
      '--listen-client-urls',
      client,
      '--advertise-client-urls',
      client,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `planner-test=${peer}`,
      // Test data need not survive a power cut; skipping fsync makes etcd several times faster.
      '--unsafe-no-fsync',
      '--log-level',
      'warn',
    ],
    join(run.path, 'etcd.log'),
  );
}

function apiServerArguments(run: RunDirectory, ports: Ports): string[] {
  const file = (name: string): string => join(run.path, 'pki', name);
  return [
    '--etcd-servers',
    `http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address',
    '127.0.0.1',
    '--advertise-address',
    '127.0.0.1',
    '--secure-port',
    String(ports.apiServer),
    '--cert-dir',
    join(run.path, 'pki'),
    '--tls-cert-file',
    file('server.crt'),
    '--tls-private-key-file',
    file('server.key'),
    '--client-ca-file',
    file('ca.crt'),
    '--service-account-issuer',
    'https://kubernetes.default.svc',
    '--service-account-key-file',
    file('sa.pub'),
    '--service-account-signing-key-file',
    file('sa.key'),
    '--service-cluster-ip-range',
    '10.96.0.0/16',
    '--authorization-mode',
    'RBAC',
    '--allow-privileged=true',
    // Loopback cannot be published as the kubernetes Service endpoint, so the reconciler is off.
    '--endpoint-reconciler-type',
    'none',
    '--enable-priority-and-fairness=false',
  ];
}

function startControllerManager(run: RunDirectory, binary: string, kubeconfigPath: string): ManagedProcess {
  return startProcess(
    'kube-controller-manager',
    binary,
    [
      '--kubeconfig',
      kubeconfigPath,
      '--leader-elect=false',
      '--bind-address',
      '127.0.0.1',
      '--secure-port',
      '0',
      '--service-account-private-key-file',
      join(run.path, 'pki', 'sa.key'),
      '--root-ca-file',
      join(run.path, 'pki', 'ca.crt'),
      '--use-service-account-credentials=false',
      // The HPA controller stays on so that replica floors and ceilings take effect. Without a
      // metrics API it reports FailedGetResourceMetric and still keeps the count within bounds.
      '--controllers',
      '*',
    ],
    join(run.path, 'kube-controller-manager.log'),
  );
}

/**
 * Starts etcd, kube-apiserver and (by default) kube-controller-manager on
 * 127.0.0.1 with free ports, a fresh certificate authority and an admin
 * kubeconfig, waits for /readyz, and installs the project's CRDs.
 * On failure everything started so far is stopped and the error names the log.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const tools = ensureTools();
  const run = await createRunDirectory('control-plane');
  const processes: ManagedProcess[] = [];
  const track = async (managed: ManagedProcess): Promise<ManagedProcess> => {
    processes.push(managed);
    await run.trackPid(managed.child.pid);
    return managed;
  };
  const stopAll = async (): Promise<void> => {
    for (const managed of [...processes].reverse()) await managed.stop();
  };

  try {
    await mkdir(join(run.path, 'pki'));
    const certificates = await generateCertificates(join(run.path, 'pki'));
    const ports: Ports = {
      etcdClient: await findFreePort(),
      etcdPeer: await findFreePort(),
      apiServer: await findFreePort(),
    };
    const server = `https://127.0.0.1:${ports.apiServer}`;
    const kubeconfigPath = join(run.path, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfigFor(server, certificates), { mode: 0o600 });

    await track(startEtcd(run, tools.etcd, ports));
    const startApiServer = async (): Promise<ManagedProcess> => {
      const managed = await track(
        startProcess(
          'kube-apiserver',
          tools['kube-apiserver'],
          apiServerArguments(run, ports),
          join(run.path, 'kube-apiserver.log'),
        ),
      );
      await waitFor(() => isReady(server, certificates), {
        description: `kube-apiserver /readyz at ${server}`,
        timeoutMs: 90_000,
        intervalMs: 250,
        process: managed,
      });
      return managed;
    };
    let apiServer = await startApiServer();

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(kubeconfigPath);
    if (options.controllerManager !== false) {
      await track(startControllerManager(run, tools['kube-controller-manager'], kubeconfigPath));
    }
    if (options.installCrds !== false) await installCrds(tools.kubectl, kubeconfigPath);

    return {
      kubeConfig,
      kubeconfigPath,
      server,
      tools,
      directory: run.path,
      async restartApiServer() {
        await apiServer.stop();
        processes.splice(processes.indexOf(apiServer), 1);
        apiServer = await startApiServer();
      },
      async stop() {
        await stopAll();
        await run.remove();
      },
    };
  } catch (error) {
    await stopAll();
    throw new Error(`could not start the test control plane; logs are in ${run.path}`, { cause: error });
  }
}
