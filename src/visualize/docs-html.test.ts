import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { servicesFromRaw } from '../model/schemas.js';
import type { DocsConfig } from '../model/types.js';
import { documentPage, escapeHtml, fieldValue, valueHtml } from './docs-html.js';
import { buildServiceGraph, indexServices } from './graph.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/visualize/${name}`, import.meta.url), 'utf8')) as unknown;
const services = servicesFromRaw(fixture('services.json'), 'services.json');
const docs = fixture('docs.json') as DocsConfig;

describe('HTML values', () => {
  it('escapes all markup characters', () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
  it('renders scalars, lists and attrsets readably', () => {
    expect(valueHtml(undefined)).toBe('');
    expect(valueHtml(3)).toBe('3');
    expect(valueHtml(false)).toBe('false');
    expect(valueHtml(['a', 'b<'])).toBe('a, b&lt;');
    expect(valueHtml([])).toBe('<span class="empty">[]</span>');
    expect(valueHtml({})).toBe('<span class="empty">{}</span>');
    expect(valueHtml({ b: 1, a: ['x', { y: true }] })).toBe(
      '<dl class="value"><dt>a</dt><dd><ul class="value"><li>x</li><li><dl class="value"><dt>y</dt><dd>true</dd></dl></li></ul></dd><dt>b</dt><dd>1</dd></dl>',
    );
  });
  it('knows the special fields', () => {
    const api = services.loggingapi!;
    expect(fieldValue(api, 'name')).toBe('loggingapi');
    expect(fieldValue(api, 'type')).toBe('tomcat-webapplication');
    expect(fieldValue(api, 'group')).toBe('services/logging');
    expect(fieldValue(api, 'dependsOn')).toEqual(['loggingdb', 'errordb']);
    expect(fieldValue(services.reportexporter!, 'providesContainer')).toBe('csv-files');
    expect(fieldValue(services.portal!, 'group')).toBe('');
  });
});

describe('document pages (reference §4.4)', () => {
  const index = indexServices(services);
  const page = (group: string, withDocs: boolean, imageFormat?: string) =>
    documentPage(buildServiceGraph(services, group, { context: false, collapse: true }, index), withDocs ? docs : undefined, {
      asRoot: false,
      index,
      ...(imageFormat ? { imageFormat } : {}),
    });

  it('root page without docs config: the original layout, with a title, a summary, dependencies and dependants', () => {
    expect(page('', false, 'svg')).toBe(
      [
        '<!DOCTYPE html>',
        '',
        '<html>',
        '    <head>',
        '        <meta charset="utf-8">',
        '        <title>Functional architecture documentation</title>',
        '        <link rel="stylesheet" type="text/css" href="./style.css">',
        '    </head>',
        '    <body>',
        '        <h1>Functional architecture documentation</h1>',
        '        <p class="summary">9 services in 5 groups, of 3 types: mysql-database (4), process (2), tomcat-webapplication (3)</p>',
        '        <div class="diagram">',
        '            <a href="diagram.dot.svg"><img src="diagram.dot.svg" alt="Architecture diagram"></a>',
        '        </div>',
        '        <p class="hint">Scroll inside the diagram to see all of it; click it to open it alone and zoom.</p>',
        '        <h2>Services</h2>',
        '        <table>',
        '            <tr>',
        '                <th>Name</th>',
        '                <th>Description</th>',
        '                <th>Type</th>',
        '                <th>Depends on</th>',
        '                <th>Used by</th>',
        '            </tr>',
        '            <tr>',
        '                <td>portal</td>',
        '                <td>The customer &lt;portal&gt; &amp; entry point</td>',
        '                <td>tomcat-webapplication</td>',
        '                <td>portaldb, loggingapi, reportingapi (connects to)</td>',
        '                <td></td>',
        '            </tr>',
        '            <tr>',
        '                <td>portaldb</td>',
        '                <td>Database of the portal</td>',
        '                <td>mysql-database</td>',
        '                <td></td>',
        '                <td>portal, reportingapi</td>',
        '            </tr>',
        '        </table>',
        '        <h2>Groups</h2>',
        '        <table>',
        '            <tr>',
        '                <th>Name</th>',
        '                <th>Description</th>',
        '            </tr>',
        '            <tr>',
        '                <td><a href="services/index.html">services</a></td>',
        '                <td></td>',
        '            </tr>',
        '        </table>',
        '    </body>',
        '</html>',
        '',
      ].join('\n'),
    );
  });

  it('group page with docs config: title, image, configured fields, relative stylesheet', () => {
    const html = page('services/logging', true, 'svg');
    expect(html).toContain('<title>Functional architecture documentation for group: Logging &lt;subsystem&gt; &amp; friends</title>');
    expect(html).toContain('<link rel="stylesheet" type="text/css" href="../../style.css">');
    expect(html).toContain('<h1>Logging &lt;subsystem&gt; &amp; friends</h1>');
    expect(html).toContain('<a href="../../index.html">Home</a> / <a href="../index.html">services</a> / logging');
    expect(html).toContain('        <div class="diagram">\n            <a href="diagram.dot.svg"><img src="diagram.dot.svg" alt="Architecture diagram"></a>\n        </div>');
    expect(html).toContain(
      ['<th>Name</th>', '<th>Type</th>', '<th>Description</th>', '<th>group</th>', '<th>providesContainer</th>', '<th>requiresUniqueIdsFor</th>', '<th>Configuration</th>', '<th>missing</th>', '<th>Depends on</th>', '<th>Used by</th>']
        .map((th) => `                ${th}`)
        .join('\n'),
    );
    expect(html).toContain('                <td>ports, uids</td>');
    expect(html).toContain('<dt>hosts</dt><dd>a.example.org, b.example.org</dd>');
    expect(html).not.toContain('<h2>Groups</h2>');
  });

  it('groups table uses the full group path for descriptions', () => {
    const html = page('services', true);
    expect(html).toContain('<td><a href="logging/index.html">logging</a></td>\n                <td>Logging &lt;subsystem&gt; &amp; friends</td>');
    expect(html).toContain('<td><a href="reporting/index.html">reporting</a></td>\n                <td>Reporting</td>');
    expect(page('', true)).toContain('<td><a href="services/index.html">services</a></td>\n                <td>Back-end services</td>');
  });

  it('a page generated without pictures says so and how to get them', () => {
    const html = page('services', true);
    expect(html).not.toContain('<img');
    expect(html).toContain('<p class="note">No diagram: this catalogue was generated without an image format. To add the pictures, run <code>dydisnix-generate-services-docs');
  });

  it('a group with no services of its own has only the groups table', () => {
    const html = page('services/reporting/exporters', true, 'svg');
    expect(html).not.toContain('<h2>Services</h2>');
    expect(html).toContain('<a href="csv/index.html">csv</a>');
  });
});
