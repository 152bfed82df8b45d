import { StatusWatch } from '../models/watch';
import { LISTING, setUp } from './fakes';

describe('status watch', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('checks fast while the panel shows, slower while it is hidden', async () => {
    jest.useFakeTimers();
    const check = jest.fn(async () => undefined);
    const watch = new StatusWatch({ check, interval: 5000, hiddenInterval: 10000 });
    watch.start(); // the status bar: at once, then every 10 s
    await jest.advanceTimersByTimeAsync(1);
    expect(check).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(9000);
    expect(check).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(check).toHaveBeenCalledTimes(2);

    watch.setPanelVisible(true); // at once, then every 5 s
    await jest.advanceTimersByTimeAsync(1);
    expect(check).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(5000);
    expect(check).toHaveBeenCalledTimes(4);

    watch.setPanelVisible(false); // the next check is a slow interval away
    await jest.advanceTimersByTimeAsync(9000);
    expect(check).toHaveBeenCalledTimes(4);
    await jest.advanceTimersByTimeAsync(1000);
    expect(check).toHaveBeenCalledTimes(5);
    watch.dispose();
  });

  it('applies a change made elsewhere and says so', async () => {
    jest.useFakeTimers();
    const { model, api, server } = setUp();
    const seen: boolean[] = [];
    model.connection.statusChanged.connect((_, status) => seen.push(!!status?.connected));
    model.start();
    await jest.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([false]);

    await jest.advanceTimersByTimeAsync(10000); // unchanged: a 304 and nothing else
    expect(api.statusIfChanged).toHaveBeenLastCalledWith(expect.stringMatching(/^"/));
    expect(seen).toEqual([false]);

    server.status = LISTING; // a sign-in in a terminal
    await jest.advanceTimersByTimeAsync(10000);
    expect(seen).toEqual([false, true]);
    expect(model.activity.feedback?.text).toMatch(/elsewhere/);
    model.dispose();
  });
});
