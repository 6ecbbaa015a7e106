// The CycloneDX 1.6 XML rendering of the JSON BOM built by cyclonedx.ts, element order as in
// bom-1.6.xsd (component: authors, name, version, description, hashes, licenses, purl, properties,
// components, modelCard, data). Only the fields `aibom scan` writes are rendered.
type Json = Record<string, unknown>;

/** Characters XML 1.0 cannot carry (C0 controls other than tab, newline, carriage return). */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

const esc = (s: unknown): string => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(XML_INVALID, '');
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const el = (name: string, value: unknown, indent: string): string => (value === undefined ? '' : `${indent}<${name}>${esc(value)}</${name}>\n`);

function properties(list: unknown, indent: string): string {
  const items = arr(list);
  if (items.length === 0) return '';
  return `${indent}<properties>\n${items.map((p) => `${indent}  <property name="${esc(p['name'])}">${esc(p['value'])}</property>\n`).join('')}${indent}</properties>\n`;
}

function hashes(list: unknown, indent: string): string {
  const items = arr(list);
  if (items.length === 0) return '';
  return `${indent}<hashes>\n${items.map((h) => `${indent}  <hash alg="${esc(h['alg'])}">${esc(h['content'])}</hash>\n`).join('')}${indent}</hashes>\n`;
}

function licenses(list: unknown, indent: string): string {
  const items = arr(list);
  if (items.length === 0) return '';
  const body = items.map((l) => {
    if (l['expression'] !== undefined) return `${indent}  <expression>${esc(l['expression'])}</expression>\n`;
    const lic = l['license'] as Json;
    return `${indent}  <license>${lic['id'] !== undefined ? `<id>${esc(lic['id'])}</id>` : `<name>${esc(lic['name'])}</name>`}</license>\n`;
  });
  return `${indent}<licenses>\n${body.join('')}${indent}</licenses>\n`;
}

function component(c: Json, indent: string): string {
  const attrs = `type="${esc(c['type'])}"${c['bom-ref'] !== undefined ? ` bom-ref="${esc(c['bom-ref'])}"` : ''}`;
  let s = `${indent}<component ${attrs}>\n`;
  const i = `${indent}  `;
  const authors = arr(c['authors']);
  if (authors.length > 0) s += `${i}<authors>\n${authors.map((a) => `${i}  <author><name>${esc(a['name'])}</name></author>\n`).join('')}${i}</authors>\n`;
  s += el('name', c['name'], i) + el('version', c['version'], i) + el('description', c['description'], i);
  s += hashes(c['hashes'], i) + licenses(c['licenses'], i) + el('purl', c['purl'], i) + properties(c['properties'], i);
  const children = arr(c['components']);
  if (children.length > 0) s += `${i}<components>\n${children.map((x) => component(x, `${i}  `)).join('')}${i}</components>\n`;
  const card = c['modelCard'] as Json | undefined;
  if (card) {
    s += `${i}<modelCard>\n`;
    const mp = card['modelParameters'] as Json | undefined;
    if (mp) {
      s += `${i}  <modelParameters>\n`;
      s += el('task', mp['task'], `${i}    `) + el('architectureFamily', mp['architectureFamily'], `${i}    `) + el('modelArchitecture', mp['modelArchitecture'], `${i}    `);
      const ds = arr(mp['datasets']);
      // bom-1.6.xsd modelCard/modelParameters/datasets: a choice of <ref> (to a data component) or an inline <dataset>.
      if (ds.length > 0) s += `${i}    <datasets>\n${ds.map((d) => `${i}      <ref>${esc(d['ref'])}</ref>\n`).join('')}${i}    </datasets>\n`;
      s += `${i}  </modelParameters>\n`;
    }
    s += properties(card['properties'], `${i}  `);
    s += `${i}</modelCard>\n`;
  }
  for (const d of arr(c['data'])) s += `${i}<data>\n${el('type', d['type'], `${i}  `)}${el('name', d['name'], `${i}  `)}${i}</data>\n`;
  return `${s}${indent}</component>\n`;
}

export function cycloneDxXml(bom: Json): string {
  const meta = bom['metadata'] as Json;
  let s = `<?xml version="1.0" encoding="UTF-8"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/1.6" serialNumber="${esc(bom['serialNumber'])}" version="${esc(bom['version'])}">\n`;
  s += '  <metadata>\n';
  s += el('timestamp', meta['timestamp'], '    ');
  const tools = arr((meta['tools'] as Json | undefined)?.['components']);
  if (tools.length > 0) s += `    <tools>\n      <components>\n${tools.map((t) => component(t, '        ')).join('')}      </components>\n    </tools>\n`;
  if (meta['component']) s += component(meta['component'] as Json, '    ');
  s += properties(meta['properties'], '    ');
  s += '  </metadata>\n';
  const comps = arr(bom['components']);
  s += `  <components>\n${comps.map((c) => component(c, '    ')).join('')}  </components>\n`;
  const deps = arr(bom['dependencies']);
  if (deps.length > 0) {
    s += '  <dependencies>\n';
    for (const d of deps) {
      const on = (d['dependsOn'] as string[] | undefined) ?? [];
      s += on.length === 0 ? `    <dependency ref="${esc(d['ref'])}"/>\n` : `    <dependency ref="${esc(d['ref'])}">\n${on.map((r) => `      <dependency ref="${esc(r)}"/>\n`).join('')}    </dependency>\n`;
    }
    s += '  </dependencies>\n';
  }
  return `${s}</bom>\n`;
}
