import type { LlmConfig } from '../../config.ts';
import { planSchema, type Plan } from './actions.ts';
import type { TimeContext } from './interpreter/time.ts';

/** Reason the LLM interpreter returned no usable plan. */
export type LlmFailureReason = 'timeout' | 'unreachable' | 'http_error' | 'invalid_output';

/** The LLM interpreter failed; the reason is reported to the caller with the fallback. */
export class LlmFailure extends Error {
  readonly reason: LlmFailureReason;

  constructor(reason: LlmFailureReason, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'LlmFailure';
    this.reason = reason;
  }
}

const instructions = `You turn one planner command into JSON actions. Reply with one JSON object {"actions": [...]} and nothing else.
Action shapes (every key is required; use null where a value is unknown):
{"type":"create_task","title":string,"dueAt":ISO-8601|null,"priority":"low"|"medium"|"high"|"urgent","tags":[string],"project":string|null,"estimateMinutes":integer|null,"recurrence":{"frequency":"daily"|"weekly"|"monthly","interval":integer,"until":ISO-8601|null}|null}
{"type":"create_event","title":string,"startAt":ISO-8601,"endAt":ISO-8601,"location":string|null}
{"type":"complete_task","task":words of the task title}
{"type":"reschedule_task","task":words of the task title,"dueAt":ISO-8601}
{"type":"list_tasks","status":["todo"|"in_progress"|"blocked"|"done"],"dueAfter":ISO-8601|null,"dueBefore":ISO-8601|null,"tag":string|null,"project":string|null,"priority":string|null}
{"type":"list_events","from":ISO-8601,"to":ISO-8601}
Tags are the #words without #, in lower case. Use the user's time zone for times given without a zone.`;

/** Calls an OpenAI-compatible chat completions endpoint and validates its response as a plan. */
export interface LlmInterpreter {
  interpret(text: string, context: TimeContext): Promise<Plan>;
}

function contentOf(body: unknown): string {
  const content = (body as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message?.content;
  if (typeof content !== 'string')
    throw new LlmFailure('invalid_output', 'the response has no choices[0].message.content');
  return content.replace(/^```(?:json)?\s*|\s*```$/g, '');
}

/** Creates the LLM interpreter; every failure is raised as an LlmFailure with its reason. */
export function createLlmInterpreter(config: LlmConfig): LlmInterpreter {
  return {
    async interpret(text, context) {
      const signal = AbortSignal.timeout(config.timeoutMs);
      let response: Response;
      try {
        response = await fetch(`${config.baseUrl}/chat/completions`, {
          method: 'POST',
          signal,
          headers: {
            'content-type': 'application/json',
            ...(config.apiKey === undefined ? {} : { authorization: `Bearer ${config.apiKey}` }),
          },
          body: JSON.stringify({
            model: config.model,
            temperature: 0,
            response_format: { type: 'json_object' },
            messages: [
              { role: 'system', content: instructions },
              {
                role: 'user',
                content: `Now: ${context.now.toISOString()}. Time zone: ${context.timeZone}.\nCommand: ${text}`,
              },
            ],
          }),
        });
      } catch (error) {
        const timedOut = signal.aborted;
        throw new LlmFailure(
          timedOut ? 'timeout' : 'unreachable',
          timedOut ? `no response within ${config.timeoutMs} ms` : 'the endpoint could not be reached',
          error,
        );
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new LlmFailure('http_error', `the endpoint returned HTTP ${response.status}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(contentOf(await response.json()));
      } catch (error) {
        if (error instanceof LlmFailure) throw error;
        if (signal.aborted)
          throw new LlmFailure('timeout', `no complete response within ${config.timeoutMs} ms`, error);
        throw new LlmFailure('invalid_output', 'the response content is not JSON', error);
      }
      const plan = planSchema.safeParse(parsed);
      if (!plan.success) {
        const first = plan.error.issues[0];
        throw new LlmFailure(
          'invalid_output',
          `the response does not fit the action schema at /${first?.path.join('/') ?? ''}: ${first?.message ?? ''}`,
        );
      }
      return plan.data;
    },
  };
}
