import { csvField } from '../src/report-exports';

test('CSV fields: quoted when needed, formulas defused, numbers and empty values as they are', () => {
  expect(
    ['plain', 'a,b', 'say "hi"', 'two\nlines', '=SUM(A1)', '+1', '-x', '@me', 12, -5, null, undefined].map(csvField),
  ).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', "'=SUM(A1)", "'+1", "'-x", "'@me", '12', '-5', '', '']);
});
