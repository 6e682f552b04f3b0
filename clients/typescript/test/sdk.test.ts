// End-to-end tests of @challenger/sdk against a real release build of the server
// (see ./server.ts). Everything goes through the generated SDK functions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  type Challenge,
  type Difficulty,
  type ErrorBody,
  type Language,
  type Outcome,
  type Verification,
  answerChallenge,
  configureChallenger,
  createDevToken,
  exportMyData,
  generateChallenge,
  getChallenge,
  getHealth,
  getMyHistory,
  getQuota,
  getReadiness,
  getStats,
  isErrorBody,
} from '../src/index';
import { type RunningServer, startServer } from './server';

const DAILY_QUOTA = 3;

let server: RunningServer;
/** What the SDK's getToken callback returns; null = signed out. */
let currentToken: string | null = null;

async function mintToken(userId: string): Promise<string> {
  const { data, error, response } = await createDevToken({ body: { user_id: userId } });
  assert.equal(error, undefined, `createDevToken failed: ${JSON.stringify(error)}`);
  assert.equal(response?.status, 200);
  assert.ok(data);
  return data.token;
}

async function signInAs(userId: string): Promise<string> {
  currentToken = await mintToken(userId);
  return currentToken;
}

async function generate(difficulty: Difficulty, topic?: string): Promise<Challenge> {
  const { data, error } = await generateChallenge({ body: { difficulty, topic } });
  assert.equal(error, undefined, `generateChallenge failed: ${JSON.stringify(error)}`);
  assert.ok(data);
  return data;
}

function assertChallengeShape(c: Challenge, difficulty: Difficulty): void {
  assert.equal(typeof c.id, 'number');
  assert.ok(Number.isInteger(c.id) && c.id > 0);
  assert.equal(c.difficulty, difficulty);
  assert.equal(typeof c.title, 'string');
  assert.ok(c.title.trim().length > 0);
  assert.equal(c.options.length, 4);
  for (const o of c.options) assert.ok(typeof o === 'string' && o.trim().length > 0);
  assert.equal(new Set(c.options).size, 4, 'options are distinct');
  assert.ok(Number.isInteger(c.correct_answer_id));
  assert.ok(c.correct_answer_id >= 0 && c.correct_answer_id <= 3);
  assert.ok(c.explanation.trim().length > 0);
  assert.ok(c.topic === undefined || c.topic === null || typeof c.topic === 'string');
  assert.ok(!Number.isNaN(Date.parse(c.timestamp)), `timestamp ${c.timestamp} is a date`);
  // The title is the question, then a blank line and the code when there is code.
  assert.equal(c.title, c.code ? `${c.question}\n\n${c.code}` : c.question);
  const languages: Array<Language | null> = [
    'python', 'javascript', 'typescript', 'rust', 'go', 'java', 'c', 'cpp', 'ruby', 'php', 'sql',
    'bash', null,
  ];
  assert.ok(languages.includes(c.language ?? null), `language ${c.language}`);
  const verifications: Verification[] = ['executed', 'reviewed', 'cross_checked', 'unchecked'];
  assert.ok(verifications.includes(c.verification), `verification ${c.verification}`);
  // Built-in questions are checked by running their program or by review.
  assert.ok(c.verification === 'executed' || c.verification === 'reviewed');
}

function assertErrorBody(error: unknown): asserts error is ErrorBody {
  assert.ok(isErrorBody(error), `expected {detail: string}, got ${JSON.stringify(error)}`);
  assert.ok(error.detail.length > 0);
}

before(async () => {
  server = await startServer({ DAILY_QUOTA: String(DAILY_QUOTA) });
  configureChallenger({ baseUrl: server.baseUrl, getToken: async () => currentToken });
});

after(async () => {
  if (process.env.CHALLENGER_TEST_LOG && server) process.stderr.write(server.log());
  await server?.stop();
});

describe('health', () => {
  test('getHealth and getReadiness answer ok', async () => {
    const health = await getHealth();
    assert.equal(health.response?.status, 200);
    assert.equal(health.data?.status, 'ok');
    const ready = await getReadiness();
    assert.equal(ready.response?.status, 200);
    assert.equal(ready.data?.status, 'ok');
  });
});

describe('createDevToken', () => {
  test('returns a signed JWT for the user', async () => {
    const token = await mintToken('user_sdk_token');
    assert.equal(token.split('.').length, 3);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    assert.equal(claims.sub, 'user_sdk_token');
  });

  test('rejects an empty user_id with a typed 400', async () => {
    const { data, error, response } = await createDevToken({ body: { user_id: '' } });
    assert.equal(data, undefined);
    assert.equal(response?.status, 400);
    assertErrorBody(error);
  });
});

describe('authentication', () => {
  test('a call without a token is a 401 with a typed {detail}', async () => {
    currentToken = null;
    const { data, error, response } = await getQuota();
    assert.equal(data, undefined);
    assert.equal(response?.status, 401);
    assert.match(response?.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.ok(error);
    // `error` is typed as ErrorBody: this line only compiles because of the generated types.
    const detail: string = error.detail;
    assert.equal(typeof detail, 'string');
    assert.ok(detail.length > 0);
  });

  test('a garbage token is a 401 that does not echo the token', async () => {
    currentToken = 'not.a.jwt';
    const { error, response } = await getStats();
    assert.equal(response?.status, 401);
    assertErrorBody(error);
    assert.ok(!error.detail.includes('not.a.jwt'));
  });

  test('throwOnError: true throws the ErrorBody', async () => {
    currentToken = null;
    await assert.rejects(getQuota({ throwOnError: true }), (err: unknown) => isErrorBody(err));
  });
});

describe('challenges', () => {
  test('generateChallenge returns a well-formed challenge of the requested difficulty', async () => {
    await signInAs('user_sdk_generate');
    for (const difficulty of ['easy', 'medium', 'hard'] as const) {
      const c = await generate(difficulty);
      assertChallengeShape(c, difficulty);
    }
  });

  test('generateChallenge validates the body (typed 400)', async () => {
    await signInAs('user_sdk_invalid');
    const { error, response } = await generateChallenge({
      // @ts-expect-error: deliberately outside the Difficulty enum
      body: { difficulty: 'impossible' },
    });
    assert.equal(response?.status, 400);
    assertErrorBody(error);
    const quota = await getQuota();
    assert.equal(quota.data?.quota_remaining, DAILY_QUOTA, 'an invalid request spends nothing');
  });

  test('getQuota counts down and a spent quota is a 429 with Retry-After', async () => {
    await signInAs('user_sdk_quota');
    const first = await getQuota();
    assert.equal(first.response?.status, 200);
    assert.ok(first.data);
    assert.equal(first.data.user_id, 'user_sdk_quota');
    assert.equal(first.data.daily_limit, DAILY_QUOTA);
    assert.equal(first.data.quota_remaining, DAILY_QUOTA);
    const last = Date.parse(first.data.last_reset_date);
    const next = Date.parse(first.data.next_reset_date);
    assert.equal(next - last, 24 * 3600 * 1000);

    for (let expected = DAILY_QUOTA - 1; expected >= 0; expected--) {
      await generate('easy');
      const { data } = await getQuota();
      assert.equal(data?.quota_remaining, expected);
    }

    const { data, error, response } = await generateChallenge({ body: { difficulty: 'easy' } });
    assert.equal(data, undefined);
    assert.equal(response?.status, 429);
    assert.ok(error);
    assert.equal(typeof error.detail, 'string');
    const retryAfter = response?.headers.get('retry-after');
    assert.ok(retryAfter !== null, 'Retry-After header is readable');
    const seconds = Number(retryAfter);
    assert.ok(Number.isInteger(seconds), `Retry-After ${retryAfter} is an integer`);
    assert.ok(seconds > 0 && seconds <= 24 * 3600, `Retry-After ${seconds} within 24 h`);

    const after = await getQuota();
    assert.equal(after.data?.quota_remaining, 0);
  });

  test('getMyHistory pages newest first with limit and next_before', async () => {
    await signInAs('user_sdk_history');
    const generated = [await generate('easy'), await generate('hard'), await generate('easy')];
    const newestFirst = generated.map((c) => c.id).sort((a, b) => b - a);

    const page1 = await getMyHistory({ query: { limit: 2 } });
    assert.equal(page1.response?.status, 200);
    assert.ok(page1.data);
    assert.deepEqual(
      page1.data.challenges.map((c) => c.id),
      newestFirst.slice(0, 2),
    );
    assert.equal(typeof page1.data.next_before, 'number');

    const page2 = await getMyHistory({ query: { limit: 2, before: page1.data.next_before! } });
    assert.ok(page2.data);
    assert.deepEqual(
      page2.data.challenges.map((c) => c.id),
      newestFirst.slice(2),
    );
    assert.ok(page2.data.next_before === null || page2.data.next_before === undefined);

    const all = await getMyHistory();
    assert.deepEqual(
      all.data?.challenges.map((c) => c.id),
      newestFirst,
    );
    for (const c of all.data!.challenges) {
      assert.deepEqual(c, generated.find((g) => g.id === c.id));
    }

    const easy = await getMyHistory({ query: { difficulty: 'easy' } });
    assert.deepEqual(
      easy.data?.challenges.map((c) => c.difficulty),
      ['easy', 'easy'],
    );

    const bad = await getMyHistory({ query: { limit: 1000 } });
    assert.equal(bad.response?.status, 400);
    assertErrorBody(bad.error);

    // Another user sees none of them.
    await signInAs('user_sdk_history_other');
    const other = await getMyHistory();
    assert.deepEqual(other.data?.challenges, []);
  });

  test('getChallenge returns the caller’s own challenge and 404 for anyone else', async () => {
    await signInAs('user_sdk_get');
    const mine = await generate('medium', 'python');
    const got = await getChallenge({ path: { id: mine.id } });
    assert.equal(got.response?.status, 200);
    assert.deepEqual(got.data, mine);

    await signInAs('user_sdk_get_other');
    const theirs = await getChallenge({ path: { id: mine.id } });
    assert.equal(theirs.data, undefined);
    assert.equal(theirs.response?.status, 404);
    assertErrorBody(theirs.error);

    const missing = await getChallenge({ path: { id: 2 ** 40 } });
    assert.equal(missing.response?.status, 404);
    assertErrorBody(missing.error);
  });

  test('answerChallenge reports correctness and keeps the first answer', async () => {
    await signInAs('user_sdk_answer');
    const c = await generate('easy');
    const wrong = (c.correct_answer_id + 1) % 4;

    const first = await answerChallenge({ path: { id: c.id }, body: { answer_id: c.correct_answer_id } });
    assert.equal(first.response?.status, 200);
    assert.ok(first.data);
    assert.equal(first.data.correct, true);
    assert.equal(first.data.selected_answer_id, c.correct_answer_id);
    assert.equal(first.data.correct_answer_id, c.correct_answer_id);
    assert.equal(first.data.explanation, c.explanation);
    assert.ok(!Number.isNaN(Date.parse(first.data.answered_at)));

    const repeat = await answerChallenge({ path: { id: c.id }, body: { answer_id: wrong } });
    assert.equal(repeat.response?.status, 200);
    assert.deepEqual(repeat.data, first.data, 'a repeat returns the recorded first answer');

    const c2 = await generate('hard');
    const miss = await answerChallenge({
      path: { id: c2.id },
      body: { answer_id: (c2.correct_answer_id + 1) % 4 },
    });
    assert.equal(miss.data?.correct, false);
    assert.equal(miss.data?.correct_answer_id, c2.correct_answer_id);

    const invalid = await answerChallenge({ path: { id: c2.id }, body: { answer_id: 7 } });
    assert.equal(invalid.response?.status, 400);
    assertErrorBody(invalid.error);

    await signInAs('user_sdk_answer_other');
    const foreign = await answerChallenge({ path: { id: c.id }, body: { answer_id: 0 } });
    assert.equal(foreign.response?.status, 404);
    assertErrorBody(foreign.error);
  });

  test('getChallenge and getMyHistory carry the recorded answer; outcome filters the history', async () => {
    await signInAs('user_sdk_outcome');
    const right = await generate('easy');
    const wrong = await generate('easy');
    const open = await generate('medium');
    assert.equal(open.answer ?? null, null, 'a new challenge is unanswered');
    await answerChallenge({ path: { id: right.id }, body: { answer_id: right.correct_answer_id } });
    const picked = (wrong.correct_answer_id + 1) % 4;
    await answerChallenge({ path: { id: wrong.id }, body: { answer_id: picked } });

    const read = await getChallenge({ path: { id: wrong.id } });
    assert.equal(read.data?.answer?.selected_answer_id, picked);
    assert.equal(read.data?.answer?.correct, false);

    const ids = async (outcome: Outcome) =>
      (await getMyHistory({ query: { outcome } })).data?.challenges.map((c) => c.id);
    assert.deepEqual(await ids('wrong'), [wrong.id]);
    assert.deepEqual(await ids('correct'), [right.id]);
    assert.deepEqual(await ids('unanswered'), [open.id]);
  });

  test('getStats sums up generated, answered and correct challenges', async () => {
    await signInAs('user_sdk_stats');
    const empty = await getStats();
    assert.equal(empty.response?.status, 200);
    assert.ok(empty.data);
    assert.equal(empty.data.total_generated, 0);
    assert.equal(empty.data.total_answered, 0);
    assert.equal(empty.data.total_correct, 0);
    assert.ok(empty.data.accuracy === null || empty.data.accuracy === undefined);

    const a = await generate('easy');
    const b = await generate('easy');
    const c = await generate('hard');
    await answerChallenge({ path: { id: a.id }, body: { answer_id: a.correct_answer_id } });
    await answerChallenge({ path: { id: b.id }, body: { answer_id: (b.correct_answer_id + 1) % 4 } });
    void c; // generated, never answered

    const { data } = await getStats();
    assert.ok(data);
    assert.equal(data.total_generated, 3);
    assert.equal(data.total_answered, 2);
    assert.equal(data.total_correct, 1);
    assert.equal(data.accuracy, 0.5);
    assert.deepEqual(
      { ...data.by_difficulty.easy },
      { total_generated: 2, total_answered: 2, total_correct: 1, accuracy: 0.5 },
    );
    assert.equal(data.by_difficulty.hard.total_generated, 1);
    assert.equal(data.by_difficulty.hard.total_answered, 0);
    assert.ok(data.by_difficulty.hard.accuracy === null || data.by_difficulty.hard.accuracy === undefined);
    assert.equal(data.by_difficulty.medium.total_generated, 0);
  });
});

describe('account', () => {
  test('exportMyData returns everything stored about the caller as an attachment', async () => {
    await signInAs('user_sdk_export');
    const generated = await generate('medium');
    await answerChallenge({ path: { id: generated.id }, body: { answer_id: 1 } });

    const { data, error, response } = await exportMyData();
    assert.equal(error, undefined, `exportMyData failed: ${JSON.stringify(error)}`);
    assert.equal(response?.status, 200);
    assert.equal(
      response?.headers.get('content-disposition'),
      'attachment; filename="challenger-export-user_sdk_export.json"',
    );
    assert.ok(data);
    assert.equal(data.user.id, 'user_sdk_export');
    assert.equal(data.quota.user_id, 'user_sdk_export');
    assert.equal(data.quota.plan, null);
    assert.equal(data.quota.quota_remaining, DAILY_QUOTA - 1);
    assert.deepEqual(
      data.challenges.map((c) => [c.id, c.answer?.selected_answer_id]),
      [[generated.id, 1]],
    );
    assert.ok(!Number.isNaN(Date.parse(data.exported_at)));
  });
});
