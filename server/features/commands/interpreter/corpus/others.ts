import { complete, event, listEvents, listTasks, reschedule, task, utc, zoned, type CorpusEntry } from './builders.ts';

/** Commands that create events. Events without an end last 60 minutes. */
export const eventCorpus: CorpusEntry[] = [
  utc('meeting with design tomorrow 3-4pm', event('Meeting with design', '12-03T15:00', '12-03T16:00')),
  utc('lunch with Sam at Nandos Friday 1pm', event('Lunch with Sam', '12-04T13:00', '12-04T14:00', 'Nandos')),
  utc('dentist on Dec 12 at 2:30pm for 45 minutes', event('Dentist', '12-12T14:30', '12-12T15:15')),
  utc(
    'schedule a call with the supplier on Monday at 11am',
    event('Call with the supplier', '12-07T11:00', '12-07T12:00'),
  ),
  utc('coffee with Priya tomorrow at 8:30am', event('Coffee with Priya', '12-03T08:30', '12-03T09:30')),
  utc(
    'interview candidate Friday 10am to 11:30am in room 4B',
    event('Interview candidate', '12-04T10:00', '12-04T11:30', 'room 4B'),
  ),
  utc('team standup tomorrow at 9:15 for 15 minutes', event('Team standup', '12-03T09:15', '12-03T09:30')),
  utc(
    "dinner with the Smiths on Saturday at 7pm at Luigi's",
    event('Dinner with the Smiths', '12-05T19:00', '12-05T20:00', "Luigi's"),
  ),
  utc('flight to Berlin Dec 18 at 6:45am', event('Flight to Berlin', '12-18T06:45', '12-18T07:45')),
  utc('doctor appointment next Tuesday 4pm', event('Doctor appointment', '12-08T16:00', '12-08T17:00')),
  utc('1:1 with Jordan Thursday 11:00-11:30', event('1:1 with Jordan', '12-03T11:00', '12-03T11:30')),
  utc(
    'workshop on accessibility Dec 10 from 1pm to 5pm',
    event('Workshop on accessibility', '12-10T13:00', '12-10T17:00'),
  ),
  utc(
    'board meeting on January 5th at 10am for 2 hours',
    event('Board meeting', '2027-01-05T10:00', '2027-01-05T12:00'),
  ),
  utc(
    'schedule sync with marketing tomorrow 4pm @ HQ',
    event('Sync with marketing', '12-03T16:00', '12-03T17:00', 'HQ'),
  ),
  utc('add event yoga class Saturday 9am', event('Yoga class', '12-05T09:00', '12-05T10:00')),
  utc(
    'webinar about Kubernetes operators Friday 5-6pm',
    event('Webinar about Kubernetes operators', '12-04T17:00', '12-04T18:00'),
  ),
  utc('a 30 minute call with Alex tomorrow at 2pm', event('Call with Alex', '12-03T14:00', '12-03T14:30')),
  utc('parent-teacher meeting Thursday 6pm', event('Parent-teacher meeting', '12-03T18:00', '12-03T19:00')),
  utc('demo to the client on Monday 3pm-4pm', event('Demo to the client', '12-07T15:00', '12-07T16:00')),
  utc('drinks with the team Friday evening', event('Drinks with the team', '12-04T19:00', '12-04T20:00')),
  utc('put the company party on my calendar for Dec 19 at 6pm', event('Company party', '12-19T18:00', '12-19T19:00')),
  utc(
    'conference call with the Tokyo office tomorrow at 7am',
    event('Conference call with the Tokyo office', '12-03T07:00', '12-03T08:00'),
  ),
  utc('brunch with Mia Sunday 11am', event('Brunch with Mia', '12-06T11:00', '12-06T12:00')),
  utc('meet Carlos at Blue Bottle tomorrow at 10am', event('Meet Carlos', '12-03T10:00', '12-03T11:00', 'Blue Bottle')),
  utc('haircut Saturday at 11', event('Haircut', '12-05T11:00', '12-05T12:00')),
  utc(
    'presentation to investors on Dec 14 9-10:30am',
    event('Presentation to investors', '12-14T09:00', '12-14T10:30'),
  ),
  utc(
    'retro with the platform team Friday 3pm for an hour',
    event('Retro with the platform team', '12-04T15:00', '12-04T16:00'),
  ),
  utc('date night Saturday at 8pm', event('Date night', '12-05T20:00', '12-05T21:00')),
];

/** Commands that complete an existing task, named by words of its title. */
export const completeCorpus: CorpusEntry[] = [
  utc('mark report as done', complete('report')),
  utc('mark the quarterly report as complete', complete('quarterly report')),
  utc('complete buy milk', complete('buy milk')),
  utc('finish the slides', complete('slides')),
  utc('I finished the tax return', complete('tax return')),
  utc('done with the code review', complete('code review')),
  utc('the invoice is done', complete('invoice')),
  utc('check off call mom', complete('call mom')),
  utc('tick off groceries', complete('groceries')),
  utc('set the deployment task as done', complete('deployment')),
  utc('mark "Send the report" as done', complete('Send the report')),
  utc('done: update README', complete('update README')),
  utc('I have completed the onboarding checklist', complete('onboarding checklist')),
  utc('close the hiring ticket', complete('hiring ticket')),
  utc('cross off dentist', complete('dentist')),
  utc('just finished my workout', complete('workout')),
  utc('mark water the plants as finished', complete('water the plants')),
  utc('the budget review is finished', complete('budget review')),
];

/** Commands that move an existing task's due time. */
export const rescheduleCorpus: CorpusEntry[] = [
  utc('move the report to next Tuesday', reschedule('report', '12-08T17:00')),
  utc('reschedule dentist to Friday at 3pm', reschedule('dentist', '12-04T15:00')),
  utc('postpone the budget review to next Monday', reschedule('budget review', '12-07T17:00')),
  utc('push the launch to Dec 15', reschedule('launch', '12-15T17:00')),
  utc('delay gym until tomorrow evening', reschedule('gym', '12-03T19:00')),
  utc('move call mom to 6pm', reschedule('call mom', '12-02T18:00')),
  utc('change the due date of the tax return to Dec 20', reschedule('tax return', '12-20T17:00')),
  utc('postpone the newsletter tomorrow', reschedule('newsletter', '12-03T17:00')),
  utc('the proposal is now due Friday', reschedule('proposal', '12-04T17:00')),
  utc('defer cleaning the garage to Saturday morning', reschedule('cleaning the garage', '12-05T09:00')),
  utc('reschedule the standup to 10:30am tomorrow', reschedule('standup', '12-03T10:30')),
  utc('move my dentist task to December 11 at 9am', reschedule('dentist', '12-11T09:00')),
  utc('push back the release to January 10', reschedule('release', '2027-01-10T17:00')),
];

/** Commands that list tasks or events. Weeks start on Monday; windows are [from, to). */
export const listCorpus: CorpusEntry[] = [
  utc('show my overdue tasks', listTasks({ dueBefore: '2026-12-02T10:00:00.000Z' })),
  utc("what's due today?", listTasks({ window: ['12-02T00:00', '12-03T00:00'] })),
  utc('list tasks due tomorrow', listTasks({ window: ['12-03T00:00', '12-04T00:00'] })),
  utc('show my tasks for next week', listTasks({ window: ['12-07T00:00', '12-14T00:00'] })),
  utc('what tasks are due this week', listTasks({ window: ['11-30T00:00', '12-07T00:00'] })),
  utc('list urgent tasks #work', listTasks({ priority: 'urgent', tag: 'work' })),
  utc('show completed tasks', listTasks({ status: ['done'] })),
  utc('show blocked tasks', listTasks({ status: ['blocked'] })),
  utc('list tasks in project Website', listTasks({ project: 'Website' })),
  utc("what's on my to-do list", listTasks()),
  utc('show all my tasks', listTasks({ status: ['todo', 'in_progress', 'blocked', 'done'] })),
  utc('list high priority tasks', listTasks({ priority: 'high' })),
  utc('which tasks are in progress', listTasks({ status: ['in_progress'] })),
  utc(
    'show tasks tagged #finance due this week',
    listTasks({ tag: 'finance', window: ['11-30T00:00', '12-07T00:00'] }),
  ),
  utc('list my tasks for Friday', listTasks({ window: ['12-04T00:00', '12-05T00:00'] })),
  utc('what do I have tomorrow?', listEvents('12-03T00:00', '12-04T00:00')),
  utc('show my calendar for today', listEvents('12-02T00:00', '12-03T00:00')),
  utc('what meetings do I have this week', listEvents('11-30T00:00', '12-07T00:00')),
  utc('show my agenda for next week', listEvents('12-07T00:00', '12-14T00:00')),
  utc('any events on Friday?', listEvents('12-04T00:00', '12-05T00:00')),
  utc("what's on my schedule this weekend", listEvents('12-05T00:00', '12-07T00:00')),
  utc('list my appointments', listEvents('12-02T10:00', '12-09T10:00')),
  utc('show my calendar for December 10', listEvents('12-10T00:00', '12-11T00:00')),
];

/** Commands with several clauses, or read in another time zone. */
export const mixedCorpus: CorpusEntry[] = [
  utc('buy milk; call the bank tomorrow at 11am', task('Buy milk'), task('Call the bank', { dueAt: '12-03T11:00' })),
  utc(
    'meeting with Ana Monday 2pm and then mark the slides as done',
    event('Meeting with Ana', '12-07T14:00', '12-07T15:00'),
    complete('slides'),
  ),
  zoned('America/New_York', 'call the plumber tomorrow at 9am', task('Call the plumber', { dueAt: '12-03T14:00' })),
  zoned(
    'Europe/Berlin',
    'standup with the team tomorrow 9:30-9:45am',
    event('Standup with the team', '12-03T08:30', '12-03T08:45'),
  ),
  zoned('Asia/Tokyo', "what's due today", listTasks({ window: ['12-01T15:00', '12-02T15:00'] })),
  zoned('Europe/London', 'pay the nanny Friday', task('Pay the nanny', { dueAt: '12-04T17:00' })),
  zoned('Australia/Sydney', 'team lunch tomorrow at 12:30pm', event('Team lunch', '12-03T01:30', '12-03T02:30')),
];
