/** The intent of one clause, with the words each intent needs. */
export type Intent =
  | { readonly kind: 'complete'; readonly subject: string }
  | { readonly kind: 'reschedule'; readonly subject: string; readonly when: string }
  | { readonly kind: 'list_tasks'; readonly text: string }
  | { readonly kind: 'list_events'; readonly text: string }
  | { readonly kind: 'create_event'; readonly text: string }
  | { readonly kind: 'create_task'; readonly text: string };

const completePatterns: readonly RegExp[] = [
  /^(?:please\s+)?(?:mark|set|flag)\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished|closed)$/i,
  /^(?:please\s+)?(?:check off|tick off|cross off|done with)\s+(.+)$/i,
  /^(?:i(?:'ve| have)?\s+)?(?:just\s+)?(?:finished|completed|did|done)\s+(?:with\s+)?(.+)$/i,
  /^(.+?)\s+(?:is|are)\s+(?:now\s+)?(?:done|finished|complete|completed)$/i,
  /^done:\s*(.+)$/i,
];

const reschedulePatterns: readonly RegExp[] = [
  /^(?:please\s+)?(?:reschedule|move|postpone|push back|push|delay|defer|shift|bump)\s+(.+?)\s+(?:to|until|till|for|by)\s+(.+)$/i,
  /^(?:please\s+)?(?:reschedule|postpone|push back|push|delay|defer|bump)\s+(.+?)\s+((?:tomorrow|next|this|in|on)\b.*)$/i,
  /^(?:please\s+)?change\s+(?:the\s+)?(?:due date|deadline|date)\s+(?:of|for)\s+(.+?)\s+to\s+(.+)$/i,
  /^(.+?)\s+(?:is\s+)?now\s+due\s+(?:on\s+|by\s+)?(.+)$/i,
];

/** Words that make a request a listing rather than a creation. */
const listStart =
  /^(?:please\s+)?(?:list|show|display|view|see|give me|tell me|get|find|what(?:'s| is| are| do| does)?|which|any|how many)\b/i;
const eventWords =
  /\b(agenda|calendar|schedule|meetings?|events?|appointments?|plans?)\b|\bwhat do i have\b|\bam i (?:free|busy)\b/i;
const taskListWords = /\b(tasks?|to-?dos?|to do|due|overdue|backlog|done|completed|open|pending)\b/i;

/** Words that start an explicit task, whatever follows. */
const taskPrefix =
  /^(?:please\s+)?(?:remind me (?:to|about)|add (?:a )?(?:task|todo|to-do)|create (?:a )?(?:task|todo)|new task|task:|todo:|to-?do:|i need to|i have to|i must|i should|need to|don't forget to|do not forget to|remember to)\b/i;

/** Words that start an explicit event. */
const eventPrefix =
  /^(?:please\s+)?(?:schedule|book (?:an? )?(?:meeting|call|room|appointment|slot|table)|add (?:an? )?(?:event|meeting|appointment)|create (?:an? )?(?:event|meeting)|new event|event:|put\b.*\bon (?:my|the) calendar|block (?:out )?(?:time|\d))/i;

/** Nouns of things that happen at a time with other people or at a place. */
const eventNouns =
  /\b(meeting|meet|call with|video call|lunch|dinner|breakfast|brunch|coffee|drinks|appointment|interview|standup|stand-up|sync|1:1|one-on-one|demo|workshop|webinar|conference|party|dentist|doctor|haircut|class|lecture|flight|date night|catch-up|catch up with|retro|retrospective|offsite|presentation|session)\b/i;

/**
 * Decides which intent a clause expresses. `hasTime` and `hasRange` say whether a date
 * parser found a time of day or a start-end range in it; events need one.
 */
export function classify(clause: string, hasDate: boolean, hasTime: boolean, hasRange: boolean): Intent {
  for (const pattern of completePatterns) {
    const match = pattern.exec(clause);
    if (match !== null) return { kind: 'complete', subject: match[1] as string };
  }
  // "finish the slides" completes a task; "finish the slides by Friday" creates one.
  const imperative = /^(?:please\s+)?(?:complete|finish|close)\s+(.+)$/i.exec(clause);
  if (imperative !== null && !hasDate) return { kind: 'complete', subject: imperative[1] as string };
  for (const pattern of reschedulePatterns) {
    const match = pattern.exec(clause);
    if (match !== null) return { kind: 'reschedule', subject: match[1] as string, when: match[2] as string };
  }
  if (listStart.test(clause) && !taskPrefix.test(clause) && !eventPrefix.test(clause)) {
    if (eventWords.test(clause) && !/\btasks?\b/i.test(clause)) return { kind: 'list_events', text: clause };
    if (taskListWords.test(clause) || /\bmy\b/i.test(clause)) return { kind: 'list_tasks', text: clause };
  }
  if (taskPrefix.test(clause)) return { kind: 'create_task', text: clause };
  if (eventPrefix.test(clause)) return { kind: 'create_event', text: clause };
  if (hasRange || (hasTime && eventNouns.test(clause))) return { kind: 'create_event', text: clause };
  return { kind: 'create_task', text: clause };
}

const taskLeadingWords: readonly RegExp[] = [
  /^(?:please\s+)?(?:can you\s+|could you\s+)?/i,
  /^(?:remind me (?:to|about)|add (?:a )?(?:new )?(?:task|todo|to-do)(?:\s+to)?|create (?:a )?(?:new )?(?:task|todo)(?:\s+to)?|new task:?|task:|todo:|to-?do:|i need to|i have to|i must|i should|need to|don't forget to|do not forget to|remember to)\s*/i,
  /^(?:an?|the)\s+(?=\S)/i,
];

const eventLeadingWords: readonly RegExp[] = [
  /^(?:please\s+)?(?:can you\s+|could you\s+)?/i,
  /^(?:schedule|book|add (?:an? )?(?:event|appointment)|create (?:an? )?event|new event:?|event:|put)\s+/i,
  /^(?:an?|the)\s+(?=\S)/i,
];

/** Words left dangling at the end of a title once dates and options are cut out. */
const trailingWords =
  /(?:\s+(?:on|at|by|due|before|for|in|from|until|till|to|every|starting|this|next|around|about|the|and|with|of|@|-|–|,))+$/i;

/**
 * Cleans what is left of a clause into a title: drops command words at the
 * start, dangling prepositions at the end, "on my calendar", stray punctuation,
 * and upper-cases the first letter.
 */
export function cleanTitle(text: string, kind: 'task' | 'event'): string {
  let title = text.replace(/\s+/g, ' ').trim();
  for (const pattern of kind === 'task' ? taskLeadingWords : eventLeadingWords) title = title.replace(pattern, '');
  title = title.replace(/\s+(?:on|to|in)\s+(?:my|the)\s+calendar\b/i, '');
  title = title.replace(/\b(?:due|deadline)\s*:?\s*$/i, '');
  let previous = '';
  while (previous !== title) {
    previous = title;
    title = title.replace(trailingWords, '').replace(/^[\s,;:–-]+|[\s,;:.!?–-]+$/g, '');
  }
  title = title
    .replace(/\s+,/g, ',')
    .replace(/\(\s*\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return title.charAt(0).toUpperCase() + title.slice(1);
}

/** Cleans the words naming an existing task ("the report", "my dentist task") into a search text. */
export function cleanSubject(text: string): string {
  return text
    .replace(/^(?:the|my|a|an|that|this)\s+/i, '')
    .replace(/\s+(?:task|todo|to-do|item)$/i, '')
    .replace(/^["']|["']$/g, '')
    .trim();
}
