import { complete, event, listEvents, listTasks, reschedule, task, utc, type CorpusEntry } from './builders.ts';

/**
 * Commands labelled after the interpreter was written and never used to
 * change it, so their accuracy estimates how it reads new phrasings.
 */
export const heldOutCorpus: CorpusEntry[] = [
  utc('grab coffee beans on the way home', task('Grab coffee beans on the way home')),
  utc('remind me to call the dentist on Monday at 10', task('Call the dentist', { dueAt: '12-07T10:00' })),
  utc('pay back Tom 20 euros by Sunday', task('Pay back Tom 20 euros', { dueAt: '12-06T17:00' })),
  utc(
    'prepare onboarding docs for the new hire #hr !high',
    task('Prepare onboarding docs for the new hire', { priority: 'high', tags: ['hr'] }),
  ),
  utc('sprint planning Monday 10-11am', event('Sprint planning', '12-07T10:00', '12-07T11:00')),
  utc('call with the accountant tomorrow at 3pm', event('Call with the accountant', '12-03T15:00', '12-03T16:00')),
  utc(
    'vacuum the living room every saturday morning',
    task('Vacuum the living room', {
      dueAt: '12-05T09:00',
      recurrence: { frequency: 'weekly', interval: 1, until: null },
    }),
  ),
  utc('mark the dentist appointment as done', complete('dentist appointment')),
  utc('finished the quarterly review', complete('quarterly review')),
  utc('move the team lunch to Friday at 1pm', reschedule('team lunch', '12-04T13:00')),
  utc("what's on my calendar tomorrow", listEvents('12-03T00:00', '12-04T00:00')),
  utc(
    'show tasks due this week in project Website',
    listTasks({ project: 'Website', window: ['11-30T00:00', '12-07T00:00'] }),
  ),
  utc('list my done tasks', listTasks({ status: ['done'] })),
  utc('order pizza for the team party Friday 6pm', task('Order pizza for the team party', { dueAt: '12-04T18:00' })),
  utc(
    'renew gym membership before it expires on Jan 15',
    task('Renew gym membership before it expires', { dueAt: '2027-01-15T17:00' }),
  ),
  utc('doctor at 9:45 on Tuesday', event('Doctor', '12-08T09:45', '12-08T10:45')),
  utc(
    'check in with Lee every 2 weeks',
    task('Check in with Lee', { dueAt: '12-02T17:00', recurrence: { frequency: 'weekly', interval: 2, until: null } }),
  ),
  utc(
    'send the contract to legal asap #legal',
    task('Send the contract to legal', { priority: 'urgent', tags: ['legal'] }),
  ),
  utc('complete the security training by Friday', task('Complete the security training', { dueAt: '12-04T17:00' })),
  utc('review Q4 goals tomorrow for 1 hour', task('Review Q4 goals', { dueAt: '12-03T17:00', estimateMinutes: 60 })),
  utc('show overdue tasks tagged #work', listTasks({ tag: 'work', dueBefore: '2026-12-02T10:00:00.000Z' })),
  utc('cancel the gym membership', task('Cancel the gym membership')),
  utc(
    'yoga every wednesday at 7pm',
    task('Yoga', { dueAt: '12-02T19:00', recurrence: { frequency: 'weekly', interval: 1, until: null } }),
  ),
  utc('check off the grocery run', complete('grocery run')),
  utc('what am I doing on Saturday', listEvents('12-05T00:00', '12-06T00:00')),
  utc('reschedule the 1:1 with Sam to next Monday at 2pm', reschedule('1:1 with Sam', '12-07T14:00')),
  utc('quick sync with Ravi at 4:30pm', event('Quick sync with Ravi', '12-02T16:30', '12-02T17:30')),
  utc('call grandma on her birthday Dec 9', task('Call grandma on her birthday', { dueAt: '12-09T17:00' })),
  utc('write the monthly newsletter', task('Write the monthly newsletter')),
];
