import { alsoConnected } from '../components/StatusView';
import { packageManagerName } from '../models/renew';

describe('Package managers', () => {
  it('names the known ones and shows others as they are', () => {
    expect(packageManagerName('rattler')).toBe('pixi and rattler');
    expect(packageManagerName('mamba')).toBe('mamba and micromamba');
    expect(packageManagerName('uv')).toBe('uv');
    expect(alsoConnected(['rattler'])).toBe('Also connected: pixi and rattler');
    expect(alsoConnected(['rattler', 'mamba'])).toBe(
      'Also connected: pixi and rattler, mamba and micromamba'
    );
  });
});
