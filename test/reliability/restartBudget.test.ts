// The client's restart policy for a crashed language server (client/src/restartBudget.ts, used by the
// error handler in client/src/crashHandler.ts): bounded restarts, each one said in the output channel;
// and how a server exit is logged: a restart the user asked for is not an error.
import assert from 'node:assert/strict';
import { MAX_RESTARTS, RESTART_WINDOW_MS, RestartBudget } from '../../client/src/restartBudget';
import { ServerExits } from '../../client/src/serverExits';

describe('restarting a crashed server', () => {
  it(`restarts ${MAX_RESTARTS} times within ${RESTART_WINDOW_MS / 60000} minutes, then stops and says so`, () => {
    let now = 0;
    const budget = new RestartBudget(MAX_RESTARTS, RESTART_WINDOW_MS, () => now);
    const decisions = Array.from({ length: MAX_RESTARTS + 1 }, () => {
      now += 1000;
      return budget.crashed();
    });
    assert.deepEqual(
      decisions.slice(0, MAX_RESTARTS).map((d) => [d.restart, d.message]),
      Array.from({ length: MAX_RESTARTS }, (_, i) => [true, `gohazard server crashed (${i + 1}/${MAX_RESTARTS}), restarting`]),
    );
    const last = decisions[MAX_RESTARTS];
    assert.equal(last.restart, false);
    assert.match(last.message, /^gohazard server crashed 5 times within 3 minutes: not restarting again\./);
  });

  it('forgets crashes older than the window, and all of them when the user restarts', () => {
    let now = 0;
    const budget = new RestartBudget(2, 60_000, () => now);
    assert.equal(budget.crashed().restart, true);
    now = 10_000;
    assert.equal(budget.crashed().restart, true);
    now = 65_000; // the first crash is out of the window
    assert.deepEqual(budget.crashed(), { restart: true, message: 'gohazard server crashed (2/2), restarting' });
    now = 66_000;
    assert.equal(budget.crashed().restart, false);
    budget.reset();
    assert.equal(budget.crashed().restart, true);
  });
});

describe('the server process exits (client/src/serverExits.ts)', () => {
  const clean = 'Server process exited with code 0.';

  it('the clean exit of a server whose stop was asked for (a restart) is information, once', () => {
    const exits = new ServerExits();
    exits.stopRequested();
    assert.equal(exits.levelOf(clean), 'info');
    // The next server's exit is judged afresh: nobody asked for it to stop.
    assert.equal(exits.levelOf(clean), 'error');
  });

  it('a crash is an error, asked-for stop or not; other lines do not use up the expectation', () => {
    const exits = new ServerExits();
    assert.equal(exits.levelOf(clean), 'error', 'exit 0 nobody asked for');
    exits.stopRequested();
    assert.equal(exits.levelOf('Connection to server is erroring. Shutting down server.'), 'error');
    assert.equal(exits.levelOf('Server process exited with code 1.'), 'error');
    assert.equal(exits.levelOf(clean), 'error', 'the exit above ended the expectation');
    exits.stopRequested();
    assert.equal(exits.levelOf('Server process exited with signal SIGKILL.'), 'error');
  });
});
