import { expect, it } from 'vitest';
import { asWriteError, ResultsWriteError } from '../../src/files/results-write-error.ts';

it('maps the fs errors of a folder or a disk to "cannot write results to <folder>: <reason>"', () => {
  const cases = [
    ['EACCES', 'permission denied (EACCES)'],
    ['EROFS', 'read-only file system (EROFS)'],
    ['ENOSPC', 'no space left on device (ENOSPC)'],
    ['ENOTDIR', 'a part of the path is a file, not a folder (ENOTDIR)'],
  ] as const;
  for (const [code, reason] of cases) {
    const e = asWriteError(Object.assign(new Error(code), { code }), '/r/run/workflow.json');
    expect(e).toBeInstanceOf(ResultsWriteError);
    expect((e as Error).message).toBe(`cannot write results to /r/run: ${reason}`);
  }
  // Anything else is not the folder's fault: passed on as it is.
  const bug = new TypeError('x');
  expect(asWriteError(bug, '/r/f')).toBe(bug);
  expect(asWriteError(Object.assign(new Error('e'), { code: 'EBADF' }), '/r/f')).not.toBeInstanceOf(ResultsWriteError);
});
