import type { TaskPriority } from '../../tasks/schemas.ts';

/** Result of an extractor: the value found and the text left once its words are cut out. */
export interface Extracted<T> {
  readonly value: T;
  readonly rest: string;
}

/** Cuts the matched words out of a text, leaving single spaces. */
function cut(text: string, match: RegExpExecArray): string {
  return `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}`.replace(/\s+/g, ' ').trim();
}

/** `#tag` words, lower-cased, in order of appearance. */
export function extractTags(text: string): Extracted<string[]> {
  const tags: string[] = [];
  const rest = text.replace(/(^|\s)#([\p{L}\p{N}_-]{1,50})(?=\s|$|[,.;!?])/gu, (_match, lead: string, tag: string) => {
    tags.push(tag.toLowerCase());
    return lead;
  });
  return { value: [...new Set(tags)], rest: rest.replace(/\s+/g, ' ').trim() };
}

const priorityPatterns: readonly [RegExp, TaskPriority | 'p'][] = [
  [/(?:^|\s)!(low|medium|normal|high|urgent)\b/i, 'p'],
  [/\b(?:with\s+)?(low|medium|normal|high|top)[\s-]+priority\b/i, 'p'],
  [/\bpriority[:\s]+(low|medium|normal|high|urgent|top)\b/i, 'p'],
  [/(?:^|\s)\(?p([1-4])\)?(?=\s|$)/i, 'p'],
  [/\b(?:it'?s\s+)?(urgent(?:ly)?|asap|as soon as possible|critical)\b/i, 'urgent'],
  [/(?:^|\s)!!!(?=\s|$)/, 'urgent'],
  [/(?:^|\s)!!(?=\s|$)/, 'high'],
  [/\b(?:this\s+is\s+)?(important)\b/i, 'high'],
  [/\b(whenever|someday|no rush|low prio)\b/i, 'low'],
];

function priorityFromWord(word: string): TaskPriority {
  const normal = word.toLowerCase();
  if (normal === '1' || normal === 'top' || normal === 'urgent') return 'urgent';
  if (normal === '2' || normal === 'high') return 'high';
  if (normal === '4' || normal === 'low') return 'low';
  return 'medium';
}

/** Extracts a priority from `!high`, "high priority", "priority: low", `p1`…`p4`, "urgent", "asap", "important". */
export function extractPriority(text: string): Extracted<TaskPriority | undefined> {
  for (const [pattern, priority] of priorityPatterns) {
    const match = pattern.exec(text);
    if (match === null) continue;
    const value = priority === 'p' ? priorityFromWord(match[1] as string) : priority;
    return { value, rest: cut(text, match) };
  }
  return { value: undefined, rest: text };
}

const projectPatterns: readonly RegExp[] = [
  /(?:^|\s)\+([\p{L}\p{N}_-]{1,100})(?=\s|$)/u,
  /\b(?:in|for|to|under|into)\s+(?:the\s+)?project\s+(?:"([^"]{1,200})"|([\p{L}\p{N}_-]+))/iu,
  /\b(?:in|for|to|under|into)\s+(?:the\s+|my\s+)?"?([\p{L}\p{N}_-]+(?:\s[\p{L}\p{N}_-]+)?)"?\s+project\b/iu,
];

/** Extracts a project name from `+name`, "in project X", `project "Two words"` or "in the X project". */
export function extractProject(text: string): Extracted<string | undefined> {
  for (const pattern of projectPatterns) {
    const match = pattern.exec(text);
    if (match === null) continue;
    const name = (match[1] ?? match[2] ?? '').trim();
    if (name !== '') return { value: name, rest: cut(text, match) };
  }
  return { value: undefined, rest: text };
}

const numberWords: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  ten: 10,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  'forty-five': 45,
  ninety: 90,
  half: 0.5,
  'half an': 0.5,
  'a half': 0.5,
};

function amount(word: string): number {
  const normal = word.toLowerCase().trim();
  return numberWords[normal] ?? Number(normal);
}

function minutesOf(count: number, unit: string): number {
  return Math.round(/^h/i.test(unit) ? count * 60 : count);
}

const count = String.raw`(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|forty(?:-five)?|ninety|half an?)`;
const unit = String.raw`(h|hrs?|hours?|m|mins?|minutes?)`;
const durationPatterns: readonly RegExp[] = [
  new RegExp(
    String.raw`\b(?:for|takes|taking|lasting|estimate[d:]?)\s+(?:about\s+|around\s+|~)?(\d+)\s*(?:h|hrs?|hours?)\s*(?:and\s+)?(\d+)\s*(?:m|mins?|minutes?)\b`,
    'i',
  ),
  new RegExp(
    String.raw`\b(?:for|takes|taking|lasting|estimate[d:]?)\s+(?:about\s+|around\s+|~)?${count}\s*${unit}\b(?:\s+and\s+a\s+half)?`,
    'i',
  ),
  new RegExp(String.raw`(?:^|\s)~${count}\s*${unit}\b`, 'i'),
  new RegExp(
    String.raw`\b${count}[\s-]${unit}(?=\s+(?:call|meeting|session|sync|chat|review|workout|run|walk|break|slot|block|task|job)\b)`,
    'i',
  ),
  /\b(an? hour and a half)\b/i,
];

/** Extracts a duration in minutes from "for 45 minutes", "takes 2h", "~30m", "1h 30m", "a 30-minute call". */
export function extractDuration(text: string): Extracted<number | undefined> {
  for (const [position, pattern] of durationPatterns.entries()) {
    const match = pattern.exec(text);
    if (match === null) continue;
    let minutes: number;
    if (position === 0) minutes = Number(match[1]) * 60 + Number(match[2]);
    else if (position === 4) minutes = 90;
    else minutes = minutesOf(amount(match[1] as string), match[2] as string);
    if (/and\s+a\s+half$/i.test(match[0])) minutes += /^h/i.test(match[2] as string) ? 30 : 0;
    if (!(minutes > 0)) continue;
    // The noun after "a 30-minute" stays in the title.
    return { value: minutes, rest: cut(text, match) };
  }
  return { value: undefined, rest: text };
}

/** A recurrence rule as read from the text, before its `until` date is resolved. */
export interface RecurrenceWords {
  readonly frequency: 'daily' | 'weekly' | 'monthly';
  readonly interval: number;
  /** A weekday or day word to hand to the date parser ("monday" from "every monday"). */
  readonly anchor: string | undefined;
  /** Text after "until", to be parsed as the end date. */
  readonly untilText: string | undefined;
}

const weekdays = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun';

/** "every day", "daily", "every 2 weeks", "every other month", "every monday", "weekdays"… with "until X". */
export function extractRecurrence(text: string): Extracted<RecurrenceWords | undefined> {
  let rest = text;
  let untilText: string | undefined;
  const until = /\b(?:until|till|through)\s+(.+?)(?=\s+#|\s*$)/i.exec(rest);

  const patterns: readonly [RegExp, (match: RegExpExecArray) => Omit<RecurrenceWords, 'untilText'>][] = [
    [
      /\bevery\s+(\d+)\s+(day|week|month)s?\b/i,
      (m) => ({ frequency: unitFrequency(m[2] as string), interval: Number(m[1]), anchor: undefined }),
    ],
    [
      /\bevery\s+other\s+(day|week|month)\b/i,
      (m) => ({ frequency: unitFrequency(m[1] as string), interval: 2, anchor: undefined }),
    ],
    [
      /\bevery\s+(day|week|month)\b/i,
      (m) => ({ frequency: unitFrequency(m[1] as string), interval: 1, anchor: undefined }),
    ],
    [
      new RegExp(String.raw`\bevery\s+(${weekdays})\b`, 'i'),
      (m) => ({ frequency: 'weekly', interval: 1, anchor: m[1] }),
    ],
    [
      /\b(each day|every morning|every evening|every night)\b/i,
      (m) => ({ frequency: 'daily', interval: 1, anchor: partOfDay(m[1] as string) }),
    ],
    [/\b(each week)\b/i, () => ({ frequency: 'weekly', interval: 1, anchor: undefined })],
    [/\b(each month)\b/i, () => ({ frequency: 'monthly', interval: 1, anchor: undefined })],
  ];
  // "pay rent monthly" repeats; "the weekly report" only names a report, so an
  // adjective followed by another word is left in the title.
  const adjective = /\b(daily|weekly|monthly|quarterly|fortnightly|biweekly|bi-weekly)\b(?!\s+[\p{L}])/iu;
  const withoutUntil = until === null ? rest : cut(rest, until);
  const adjectiveMatch = adjective.exec(withoutUntil);
  if (adjectiveMatch !== null && patterns.every(([pattern]) => !pattern.test(rest))) {
    return {
      value: { ...adjectiveFrequency(adjectiveMatch[1] as string), anchor: undefined, untilText: until?.[1] },
      rest: cut(withoutUntil, adjectiveMatch),
    };
  }
  for (const [pattern, build] of patterns) {
    const match = pattern.exec(rest);
    if (match === null) continue;
    if (until !== null) {
      untilText = until[1];
      rest = cut(rest, until);
    }
    const again = pattern.exec(rest) ?? match;
    const words = build(again);
    rest = cut(rest, again);
    if (words.anchor !== undefined) rest = `${rest} ${words.anchor}`.trim();
    return { value: { ...words, untilText }, rest };
  }
  return { value: undefined, rest: text };
}

function partOfDay(words: string): string | undefined {
  if (/morning/i.test(words)) return 'morning';
  if (/evening|night/i.test(words)) return 'evening';
  return undefined;
}

function adjectiveFrequency(word: string): { frequency: 'daily' | 'weekly' | 'monthly'; interval: number } {
  const normal = word.toLowerCase();
  if (normal === 'daily') return { frequency: 'daily', interval: 1 };
  if (normal === 'weekly') return { frequency: 'weekly', interval: 1 };
  if (normal === 'monthly') return { frequency: 'monthly', interval: 1 };
  if (normal === 'quarterly') return { frequency: 'monthly', interval: 3 };
  return { frequency: 'weekly', interval: 2 };
}

function unitFrequency(word: string): 'daily' | 'weekly' | 'monthly' {
  const normal = word.toLowerCase();
  if (normal.startsWith('day')) return 'daily';
  if (normal.startsWith('week')) return 'weekly';
  return 'monthly';
}

/** Extracts a place from "at <Capitalised Words>", "in room 4.2" or "@ place", for events. */
export function extractLocation(text: string): Extracted<string | undefined> {
  const patterns: readonly RegExp[] = [
    /\b(?:in|at)\s+((?:room|conference room|meeting room|building|office)\s+[\p{L}\p{N}.-]+)/iu,
    /(?:^|\s)@\s*([\p{Lu}][\p{L}\p{N}'&.-]*(?:\s+[\p{Lu}][\p{L}\p{N}'&.-]*)*)/u,
    /\bat\s+(?:the\s+)?([\p{Lu}][\p{L}\p{N}'&.-]*(?:\s+[\p{Lu}][\p{L}\p{N}'&.-]*)*)/u,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match === null) continue;
    const place = (match[1] as string).trim();
    if (new RegExp(String.raw`^(${weekdays}|noon|midnight|tomorrow|today|tonight)$`, 'i').test(place)) continue;
    return { value: place, rest: cut(text, match) };
  }
  return { value: undefined, rest: text };
}
