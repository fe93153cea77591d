/**
 * Message and FAQ bodies to HTML that is safe to insert in a page. Markdown is rendered with
 * raw HTML disabled, and the result is sanitised anyway (allow-list of tags and attributes,
 * links limited to http, https and mailto), so nothing a customer writes runs in an agent's
 * browser. Plain text is escaped, line breaks kept.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h1',
    'h2',
    'h3',
    'h4',
    'hr',
    'del',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

export function renderBody(body: string, format: 'PLAIN' | 'MARKDOWN'): string {
  if (format === 'MARKDOWN') return sanitizeHtml(markdown.render(body), SANITIZE);
  const escaped = sanitizeHtml(body, { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: 'escape' });
  return `<p>${escaped.replace(/\r?\n/g, '<br>')}</p>`;
}
