import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { createTestNamespace, type TestNamespace } from '../../harness/context.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.ts';
import { buildJob, startTestAgent, waitForJobCondition } from './support.ts';

// This file starts a control plane of its own, because it restarts kube-apiserver under the agent.
describe('node agent across an apiserver restart', () => {
  let plane: ControlPlane;
  let namespace: TestNamespace;
  let stopAgent: () => Promise<void>;
  let nodeName: string;

  beforeAll(async () => {
    plane = await startControlPlane({ installCrds: false });
    namespace = await createTestNamespace(plane.kubeConfig, 'agent-restart');
    const started = await startTestAgent(plane.kubeConfig, namespace.name);
    stopAgent = started.stop;
    nodeName = started.agent.nodeName;
  }, 90_000);

  afterAll(async () => {
    await stopAgent?.();
    await plane?.stop();
  }, 60_000);

  it('runs Jobs created after the restart', async () => {
    const batch = plane.kubeConfig.makeApiClient(BatchV1Api);
    const core = plane.kubeConfig.makeApiClient(CoreV1Api);
    const ns = namespace.name;
    const job = (name: string) => buildJob(name, { command: ['planner-backup'], args: ['--exit', '0'] });

    await batch.createNamespacedJob({ namespace: ns, body: job('before') });
    await waitForJobCondition(batch, ns, 'before', 'Complete');

    await plane.restartApiServer();
    await batch.createNamespacedJob({ namespace: ns, body: job('after') });
    await waitForJobCondition(batch, ns, 'after', 'Complete', 45_000);

    const node = await core.readNode({ name: nodeName });
    const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
    expect(ready?.status).toBe('True');
  }, 90_000);
});
