import { task, utc, type CorpusEntry } from './builders.ts';

const daily = (until: string | null = null) => ({ frequency: 'daily' as const, interval: 1, until });
const weekly = (interval = 1) => ({ frequency: 'weekly' as const, interval, until: null });
const monthly = (until: string | null = null) => ({ frequency: 'monthly' as const, interval: 1, until });

/** Commands that create tasks. Dates without a time are due at 17:00, the end of a working day. */
export const taskCorpus: CorpusEntry[] = [
  utc('buy milk', task('Buy milk')),
  utc(
    'remind me to send the report Friday 9am #finance',
    task('Send the report', { dueAt: '12-04T09:00', tags: ['finance'] }),
  ),
  utc('call mom tomorrow at 5', task('Call mom', { dueAt: '12-03T17:00' })),
  utc('pay the electricity bill by Monday', task('Pay the electricity bill', { dueAt: '12-07T17:00' })),
  utc(
    'submit expense report due Friday !high',
    task('Submit expense report', { dueAt: '12-04T17:00', priority: 'high' }),
  ),
  utc(
    'write blog post +website !high ~2h by Thursday',
    task('Write blog post', { dueAt: '12-03T17:00', priority: 'high', project: 'website', estimateMinutes: 120 }),
  ),
  utc('renew passport #admin #travel', task('Renew passport', { tags: ['admin', 'travel'] })),
  utc('urgent: fix the login bug', task('Fix the login bug', { priority: 'urgent' })),
  utc('fix the login bug asap', task('Fix the login bug', { priority: 'urgent' })),
  utc('book flights for the conference p2', task('Book flights for the conference', { priority: 'high' })),
  utc('add task review pull requests', task('Review pull requests')),
  utc('todo: clean the garage this weekend', task('Clean the garage', { dueAt: '12-05T17:00' })),
  utc(
    'I need to water the plants every 3 days',
    task('Water the plants', { dueAt: '12-02T17:00', recurrence: { frequency: 'daily', interval: 3, until: null } }),
  ),
  utc(
    'pay rent every month until June #home',
    task('Pay rent', { dueAt: '12-02T17:00', tags: ['home'], recurrence: monthly('2027-06-01T23:59') }),
  ),
  utc('take out the trash every tuesday', task('Take out the trash', { dueAt: '12-08T17:00', recurrence: weekly() })),
  utc('team report every other week', task('Team report', { dueAt: '12-02T17:00', recurrence: weekly(2) })),
  utc('water plants daily #home', task('Water plants', { dueAt: '12-02T17:00', tags: ['home'], recurrence: daily() })),
  utc('back up the laptop weekly', task('Back up the laptop', { dueAt: '12-02T17:00', recurrence: weekly() })),
  utc(
    'review budget monthly +Finance',
    task('Review budget', { dueAt: '12-02T17:00', project: 'Finance', recurrence: monthly() }),
  ),
  utc('prepare the quarterly report by Dec 15', task('Prepare the quarterly report', { dueAt: '12-15T17:00' })),
  utc(
    "don't forget to buy a birthday gift for Anna on Saturday",
    task('Buy a birthday gift for Anna', { dueAt: '12-05T17:00' }),
  ),
  utc('remember to stretch at 3pm', task('Stretch', { dueAt: '12-02T15:00' })),
  utc('email the landlord tonight', task('Email the landlord', { dueAt: '12-02T19:00' })),
  utc('read chapter 4 tomorrow morning', task('Read chapter 4', { dueAt: '12-03T09:00' })),
  utc('draft the proposal in 2 days', task('Draft the proposal', { dueAt: '12-04T17:00' })),
  utc('finish slides in 3 hours', task('Finish slides', { dueAt: '12-02T13:00' })),
  utc('call the bank at 11', task('Call the bank', { dueAt: '12-02T11:00' })),
  utc('pick up the dry cleaning on Thursday', task('Pick up the dry cleaning', { dueAt: '12-03T17:00' })),
  utc(
    'finish the tax return before Dec 31 !urgent',
    task('Finish the tax return', { dueAt: '12-31T17:00', priority: 'urgent' }),
  ),
  utc('organise the team offsite #team p1', task('Organise the team offsite', { tags: ['team'], priority: 'urgent' })),
  utc('update the README ~30m', task('Update the README', { estimateMinutes: 30 })),
  utc('refactor the billing module, takes 4 hours', task('Refactor the billing module', { estimateMinutes: 240 })),
  utc(
    'write unit tests for 90 minutes tomorrow',
    task('Write unit tests', { dueAt: '12-03T17:00', estimateMinutes: 90 }),
  ),
  utc('low priority: sort old photos', task('Sort old photos', { priority: 'low' })),
  utc('clean the fridge whenever', task('Clean the fridge', { priority: 'low' })),
  utc('prepare tax documents high priority', task('Prepare tax documents', { priority: 'high' })),
  utc('priority urgent call the insurance company', task('Call the insurance company', { priority: 'urgent' })),
  utc(
    'ship the release next Monday at 9:30am +Platform #release',
    task('Ship the release', { dueAt: '12-07T09:30', project: 'Platform', tags: ['release'] }),
  ),
  utc('renew the domain name on January 3rd', task('Renew the domain name', { dueAt: '2027-01-03T17:00' })),
  utc('send invoice to ACME on the 15th', task('Send invoice to ACME', { dueAt: '12-15T17:00' })),
  utc('order new business cards #office', task('Order new business cards', { tags: ['office'] })),
  utc('add a task to call Sam', task('Call Sam')),
  utc('get a haircut on Saturday', task('Get a haircut', { dueAt: '12-05T17:00' })),
  utc('fix the leaking tap this afternoon', task('Fix the leaking tap', { dueAt: '12-02T14:00' })),
  utc('submit timesheet every friday at 4pm', task('Submit timesheet', { dueAt: '12-04T16:00', recurrence: weekly() })),
  utc(
    'run backups every day at 2am #ops',
    task('Run backups', { dueAt: '12-03T02:00', tags: ['ops'], recurrence: daily() }),
  ),
  utc('check the mailbox every morning', task('Check the mailbox', { dueAt: '12-03T09:00', recurrence: daily() })),
  utc(
    'prepare the board deck by next Wednesday +Strategy !urgent',
    task('Prepare the board deck', { dueAt: '12-09T17:00', project: 'Strategy', priority: 'urgent' }),
  ),
  utc('follow up with the recruiter in a week', task('Follow up with the recruiter', { dueAt: '12-09T17:00' })),
  utc('write the weekly report', task('Write the weekly report')),
  utc('mow the lawn on Sunday afternoon', task('Mow the lawn', { dueAt: '12-06T14:00' })),
  utc('buy concert tickets before they sell out', task('Buy concert tickets before they sell out')),
  utc(
    'learn 10 Spanish words daily #learning',
    task('Learn 10 Spanish words', { dueAt: '12-02T17:00', tags: ['learning'], recurrence: daily() }),
  ),
  utc(
    'set up the new laptop for Maria on Dec 10 at 2pm',
    task('Set up the new laptop for Maria', { dueAt: '12-10T14:00' }),
  ),
  utc('plan the sprint tomorrow', task('Plan the sprint', { dueAt: '12-03T17:00' })),
  utc('remind me about the webinar Friday at noon', task('Webinar', { dueAt: '12-04T12:00' })),
  utc(
    'email Tom about the contract Monday morning #legal',
    task('Email Tom about the contract', { dueAt: '12-07T09:00', tags: ['legal'] }),
  ),
  utc('write report for Alice', task('Write report for Alice')),
  utc('submit the grant application by 5pm on Friday', task('Submit the grant application', { dueAt: '12-04T17:00' })),
  utc('pay the phone bill on Dec 28', task('Pay the phone bill', { dueAt: '12-28T17:00' })),
  utc('prepare slides for the all-hands p3', task('Prepare slides for the all-hands')),
  utc('clean the windows someday', task('Clean the windows', { priority: 'low' })),
  utc('archive old emails (low priority)', task('Archive old emails', { priority: 'low' })),
  utc('call the vet at 4', task('Call the vet', { dueAt: '12-02T16:00' })),
  utc(
    'send the newsletter every monday at 8am +Marketing',
    task('Send the newsletter', { dueAt: '12-07T08:00', project: 'Marketing', recurrence: weekly() }),
  ),
  utc(
    'remind me to take my medication every evening',
    task('Take my medication', { dueAt: '12-02T19:00', recurrence: daily() }),
  ),
  utc(
    'study for the exam for 2 hours tonight',
    task('Study for the exam', { dueAt: '12-02T19:00', estimateMinutes: 120 }),
  ),
  utc("reply to Jane's email important", task("Reply to Jane's email", { priority: 'high' })),
  utc(
    'migrate the database in project Platform by Friday',
    task('Migrate the database', { dueAt: '12-04T17:00', project: 'Platform' }),
  ),
  utc('plan the holiday party in the Events project', task('Plan the holiday party', { project: 'Events' })),
];
