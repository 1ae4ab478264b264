// Starts the test control plane and PostgreSQL for a person to use by hand
// (`make cluster`), prints how to reach them, and stops both on Ctrl-C.
import { startTestEnvironment } from './environment.ts';

const environment = await startTestEnvironment();
const { controlPlane } = environment;
process.stdout.write(
  [
    'Local control plane and PostgreSQL are running on 127.0.0.1.',
    '',
    `  export KUBECONFIG=${controlPlane.kubeconfigPath}`,
    `  export PATH=${controlPlane.tools.kubectl.replace(/\/kubectl$/, '')}:$PATH`,
    `  export DATABASE_URL=${environment.databaseUrl}`,
    '',
    `Logs: ${controlPlane.directory}`,
    'Press Ctrl-C to stop everything and remove the data.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nStopping the control plane and PostgreSQL...\n');
  void environment.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => undefined, 60_000);
