import { renderBody } from '../src/domain/markdown';

describe('renderBody', () => {
  test('plain text is escaped, its line breaks kept', () => {
    expect(renderBody('Hola <b>x</b>\nadiós & "gracias"', 'PLAIN')).toBe(
      '<p>Hola &lt;b&gt;x&lt;/b&gt;<br>adiós &amp; "gracias"</p>',
    );
  });

  test('Markdown is rendered without raw HTML, scripts or unsafe links', () => {
    const html = renderBody(
      '**sí** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)',
      'MARKDOWN',
    );
    expect(html).toContain('<strong>sí</strong>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">ok</a>');
  });
});
