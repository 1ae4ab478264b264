import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './processes.ts';

/** PEM files of the test control plane's private certificate authority and its leaf certificates. */
export interface ControlPlaneCertificates {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Client certificate of the `admin` user in group `system:masters`. */
  readonly adminCert: string;
  readonly adminKey: string;
  /** Key pair that signs and verifies service account tokens. */
  readonly serviceAccountKey: string;
  readonly serviceAccountPublicKey: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await runCommand('openssl', args, { cwd });
}

async function issue(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  await openssl(
    [
      'req',
      '-new',
      '-nodes',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ],
    dir,
  );
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
}

/**
 * Writes a fresh certificate authority, a serving certificate for
 * 127.0.0.1 and localhost, an admin client certificate and a service account
 * key pair into dir, with the openssl command line tool.
 */
export async function generateCertificates(dir: string): Promise<ControlPlaneCertificates> {
  await openssl(
    [
      'req',
      '-x509',
      '-new',
      '-nodes',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=planner-test-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await issue(
    dir,
    'server',
    '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n',
  );
  await issue(dir, 'admin', '/O=system:masters/CN=admin', 'extendedKeyUsage=clientAuth\n');
  await openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'sa.key'], dir);
  await openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);

  const read = (file: string): Promise<string> => readFile(join(dir, file), 'utf8');
  return {
    caCert: await read('ca.crt'),
    serverCert: await read('server.crt'),
    serverKey: await read('server.key'),
    adminCert: await read('admin.crt'),
    adminKey: await read('admin.key'),
    serviceAccountKey: await read('sa.key'),
    serviceAccountPublicKey: await read('sa.pub'),
  };
}
