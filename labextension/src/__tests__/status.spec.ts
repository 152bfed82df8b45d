import { alsoConnected } from '../components/StatusView';
import { preferences, setUp } from './fakes';

describe('Package managers', () => {
  it('are named as the server names them, unknown ids as they are', async () => {
    const named = { rattler: 'pixi and rattler', mamba: 'mamba and micromamba' };
    const { model } = setUp(undefined, preferences({ package_managers: named }));
    await model.preferences.reload();
    const name = (id: string) => model.preferences.packageManagerName(id);
    expect(name('uv')).toBe('uv');
    expect(alsoConnected(['rattler'], name)).toBe('Also connected: pixi and rattler');
    expect(alsoConnected(['rattler', 'mamba'], name)).toBe(
      'Also connected: pixi and rattler, mamba and micromamba'
    );
  });
});
