import { describe, it, expect } from 'vitest';
import { ModelError } from '../../errors.js';
import { distributionFromRaw, docsConfigFromRaw, idResourcesFromRaw, idsFromRaw, infrastructureFromRaw, servicesFromRaw } from '../schemas.js';
import type { DocsConfig, Distribution, IdResources, Ids, Infrastructure, ModelKind, Services } from '../types.js';
import { parseXmlDocument } from './xml-read.js';
import { distributionToXml, docsConfigToXml, idResourcesToXml, idsToXml, infrastructureToXml, servicesToXml } from './xml-write.js';

function modelError(kind: ModelKind, xml: string, file = 'model.xml'): ModelError {
  try {
    parseXmlDocument(kind, xml, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return error as ModelError;
  }
  throw new Error('expected a ModelError');
}

/** The error names the file, the model path and the problem. */
function expectError(kind: ModelKind, xml: string, path: string | undefined, detail: string): void {
  const error = modelError(kind, xml);
  expect(error.path).toBe(path);
  expect(error.message).toContain('model.xml');
  if (path !== undefined) expect(error.message).toContain(path);
  expect(error.message).toContain(detail);
}

describe('reading the original XML forms', () => {
  it('reads services.xsl output', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<!-- written by dydisnix-xml -->
<services>
  <service name="db">
    <property name="dependsOn">
    </property>
    <property name="connectsTo">
    </property>
    <property name="name" type="string">db</property>
    <property name="pkg">/nix/store/abc-db</property>
    <property name="type" type="string">mysql-database</property>
  </service>
  <service name="web">
    <property name="dependsOn">
      <dependency>db</dependency>
      <dependency>cache</dependency>
    </property>
    <property name="connectsTo">
      <dependency>log</dependency>
    </property>
    <property name="activatesAfter" type="attrs">
      <property name="dbParam" type="attrs">
        <property name="name" type="string">db</property>
        <property name="type" type="string">mysql-database</property>
      </property>
      <property name="other" type="string">queue</property>
    </property>
    <property name="description" type="string">Web &amp; &lt;front&gt; &#x263A;</property>
    <property name="group" type="string">frontend/web</property>
    <property name="name" type="string">web</property>
    <property name="nothing"/>
    <property name="providesContainers" type="attrs">
      <property name="tomcat" type="attrs">
        <property name="port" type="int">8080</property>
      </property>
    </property>
    <property name="ratio" type="float">0.5</property>
    <property name="requireMem" type="int">-256</property>
    <property name="requiresUniqueIdsFor" type="list">
      <elem type="string">ports</elem>
      <elem>/nix/store/dropped</elem>
      <elem type="list"><elem type="bool">false</elem></elem>
    </property>
    <property name="stateful" type="bool">true</property>
    <property name="type" type="string">process</property>
  </service>
</services>
`;
    expect(parseXmlDocument('services', xml, 'services.xml')).toEqual({
      db: { dependsOn: [], connectsTo: [], name: 'db', type: 'mysql-database' },
      web: {
        dependsOn: ['db', 'cache'],
        connectsTo: ['log'],
        activatesAfter: ['db', 'queue'],
        description: 'Web & <front> \u263a',
        group: 'frontend/web',
        name: 'web',
        providesContainers: { tomcat: { port: 8080 } },
        ratio: 0.5,
        requireMem: -256,
        requiresUniqueIdsFor: ['ports', [false]],
        stateful: true,
        type: 'process',
      },
    });
  });

  it('reads activatesAfter given as a list, and does not invent a name', () => {
    const xml = `<services><service name="a"><property name="activatesAfter" type="list"><elem type="string">b</elem></property></service></services>`;
    expect(parseXmlDocument('services', xml, 'f.xml')).toEqual({ a: { activatesAfter: ['b'] } });
  });

  it('reads Disnix infrastructure.xsl output', () => {
    const xml = `<?xml version="1.0"?>
<infrastructure version="2">
  <target name="test1">
    <properties type="attrs">
      <property name="hostname" type="string">test1.example.org</property>
      <property name="mem" type="int">262144</property>
      <property name="supportedTypes" type="list">
        <elem type="string">process</elem>
      </property>
    </properties>
    <containers>
      <container name="mysql-database" type="attrs">
        <property name="mysqlPort" type="int">3306</property>
      </container>
      <container name="process" type="attrs"/>
    </containers>
    <system>x86_64-linux</system>
    <numOfCores>2</numOfCores>
    <clientInterface>disnix-ssh-client</clientInterface>
    <targetProperty>hostname</targetProperty>
  </target>
  <target name="test2">
    <properties/>
    <containers/>
    <system></system>
    <numOfCores/>
    <clientInterface/>
    <targetProperty></targetProperty>
  </target>
</infrastructure>`;
    expect(parseXmlDocument('infrastructure', xml, 'infra.xml')).toEqual({
      test1: {
        properties: { hostname: 'test1.example.org', mem: 262144, supportedTypes: ['process'] },
        containers: { 'mysql-database': { mysqlPort: 3306 }, process: {} },
        system: 'x86_64-linux',
        numOfCores: 2,
        clientInterface: 'disnix-ssh-client',
        targetProperty: 'hostname',
      },
      test2: { properties: {}, containers: {} },
    });
  });

  it('accepts an infrastructure without a version attribute', () => {
    expect(parseXmlDocument('infrastructure', '<infrastructure><target name="t"/></infrastructure>', 'f.xml')).toEqual({ t: {} });
  });

  it('reads distribution.xsl output, keeping the mapping order', () => {
    const xml = `<?xml version="1.0"?>
<distribution>
  <service name="web">
    <mapping>
      <target>test2</target>
    </mapping>
    <mapping>
      <target>test1</target>
      <container>tomcat</container>
    </mapping>
  </service>
  <service name="idle"/>
</distribution>`;
    expect(parseXmlDocument('distribution', xml, 'd.xml')).toEqual({ web: ['test2', { target: 'test1', container: 'tomcat' }], idle: [] });
  });

  it('reads the <target> wrapper the C tools write (B12) and plain <target> items', () => {
    const xml = `<distribution>
  <service name="s">
    <target>
      <target>t1</target>
      <container>process</container>
    </target>
    <target>
      <target>t2</target>
    </target>
    <target>t3</target>
  </service>
</distribution>`;
    expect(parseXmlDocument('distribution', xml, 'd.xml')).toEqual({ s: [{ target: 't1', container: 'process' }, 't2', 't3'] });
  });

  it('reads idresources, an empty <step/> being unset', () => {
    const xml = `<resources>
  <resource name="ports"><min>3000</min><max>4000</max><scope>global</scope><step>2</step></resource>
  <resource name="uids"><min> 1000 </min><max>2000</max><scope/><step/></resource>
</resources>`;
    expect(parseXmlDocument('idresources', xml, 'r.xml')).toEqual({
      ports: { min: 3000, max: 4000, scope: 'global', step: 2 },
      uids: { min: 1000, max: 2000 },
    });
  });

  it('reads ids', () => {
    const xml = `<?xml version="1.0"?>
<ids>
  <ids>
    <resource name="ports">
      <assignment name="web">3000</assignment>
      <assignment name="db">3001</assignment>
    </resource>
    <resource name="uids"/>
  </ids>
  <lastAssignments>
    <assignment name="ports">3001</assignment>
  </lastAssignments>
  <lastAssignmentsPerTarget>
    <target name="t1">
      <assignment name="uids">2000</assignment>
    </target>
  </lastAssignmentsPerTarget>
</ids>`;
    expect(parseXmlDocument('ids', xml, 'ids.xml')).toEqual({
      ids: { ports: { web: 3000, db: 3001 }, uids: {} },
      lastAssignments: { ports: 3001 },
      lastAssignmentsPerTarget: { t1: { uids: 2000 } },
    });
  });

  it('reads the docs config', () => {
    const xml = `<docs-config>
  <groups>
    <group name="a">Group A</group>
    <group name="a/b">Group B</group>
  </groups>
  <fields>
    <field>type</field>
    <field>description</field>
  </fields>
  <descriptions>
    <type>Type</type>
    <description>Description</description>
    <description name="a b">Spaced</description>
  </descriptions>
</docs-config>`;
    expect(parseXmlDocument('docs', xml, 'docs.xml')).toEqual({
      groups: { a: 'Group A', 'a/b': 'Group B' },
      fields: ['type', 'description'],
      descriptions: { type: 'Type', description: 'Description', 'a b': 'Spaced' },
    });
  });

  it('ignores a DOCTYPE, processing instructions, comments and CDATA boundaries', () => {
    const xml = `\uFEFF<?xml version="1.0"?>\r\n<!DOCTYPE services [ <!ELEMENT services ANY> ]>\r\n<?pi x?>\r\n<services><!-- c --><service name='a'><property name="d" type="string">x<!-- c --><![CDATA[<&>]]>y</property></service></services>\r\n<!-- after -->\r\n`;
    expect(parseXmlDocument('services', xml, 'f.xml')).toEqual({ a: { d: 'x<&>y' } });
  });

  it('refuses __proto__ as a name instead of dropping it (docs/limits.md)', () => {
    const read = (xml: string) => () => parseXmlDocument('services', xml, 'f.xml');
    expect(read('<services><service name="__proto__"><property name="type" type="string">x</property></service></services>')).toThrow('f.xml: services: the name "__proto__" is not allowed');
    expect(read('<services><service name="a"><property name="__proto__" type="int">1</property></service></services>')).toThrow('f.xml: services.a: the name "__proto__" is not allowed');
  });

  it('keeps a name attribute that is not the first attribute, and normalises attribute whitespace', () => {
    const xml = `<services><service name="a"><property type="string" name="x&#10;y\tz">v</property></service></services>`;
    expect(parseXmlDocument('services', xml, 'f.xml')).toEqual({ a: { 'x\ny z': 'v' } });
  });
});

describe('XML errors', () => {
  it('reports malformed XML with a line number', () => {
    const error = modelError('services', '<services>\n  <service name="a">\n  </servic>\n</services>');
    expect(error.message).toContain('model.xml');
    expect(error.message).toContain('line 3');
    expect(error.message).toContain('expected </service>, found </servic>');
    expect(modelError('services', '<services>\n<service name="a">').message).toContain('not closed');
    expect(modelError('services', '<services>&bogus;</services>').message).toContain('bad entity reference');
    expect(modelError('services', '<services/>\n<services/>').message).toContain('more than one root element');
    expect(modelError('services', 'hello').message).toContain('text outside the root element');
    expect(modelError('services', '').message).toContain('no root element');
    expect(modelError('services', '<services a="1" a="2"/>').message).toContain('duplicate attribute a');
    expect(modelError('services', '<services a=1/>').message).toContain('expected a quoted value');
  });

  it('reports a wrong root element', () => {
    expectError('services', '<infrastructure/>', 'services', 'expected root element <services>, found <infrastructure>');
    expectError('idresources', '<ids/>', 'idresources', 'expected root element <resources>');
    expectError('docs', '<docs/>', 'docs', 'expected root element <docs-config>');
  });

  it('reports typed values whose text does not fit their type', () => {
    const service = (property: string) => `<services><service name="web">${property}</service></services>`;
    expectError('services', service('<property name="requireMem" type="int">abc</property>'), 'services.web.requireMem', 'expected an integer, got "abc"');
    expectError('services', service('<property name="requireMem" type="int">12abc</property>'), 'services.web.requireMem', 'expected an integer, got "12abc"');
    expectError('services', service('<property name="r" type="float">1.2.3</property>'), 'services.web.r', 'expected a number, got "1.2.3"');
    expectError('services', service('<property name="s" type="bool">yes</property>'), 'services.web.s', 'expected true or false, got "yes"');
    expectError('services', service('<property name="x" type="set">1</property>'), 'services.web.x', 'unknown type "set"');
    expectError('services', service('<property name="l" type="list"><elem type="int">x</elem></property>'), 'services.web.l[0]', 'expected an integer');
    expectError(
      'infrastructure',
      '<infrastructure><target name="t1"><properties><property name="mem" type="int">lots</property></properties></target></infrastructure>',
      'infrastructure.t1.properties.mem',
      'expected an integer, got "lots"',
    );
    expectError(
      'infrastructure',
      '<infrastructure><target name="t1"><containers><container name="mysql"><property name="port" type="int"/></container></containers></target></infrastructure>',
      'infrastructure.t1.containers.mysql.port',
      'expected an integer, got ""',
    );
    expectError('infrastructure', '<infrastructure><target name="t1"><numOfCores>two</numOfCores></target></infrastructure>', 'infrastructure.t1.numOfCores', 'expected an integer');
    expectError('idresources', '<resources><resource name="ports"><min>1k</min></resource></resources>', 'idresources.ports.min', 'expected an integer, got "1k"');
    expectError('ids', '<ids><ids><resource name="ports"><assignment name="web">x</assignment></resource></ids></ids>', 'ids.ids.ports.web', 'expected an integer');
    expectError('ids', '<ids><lastAssignmentsPerTarget><target name="t"><assignment name="r">1.5</assignment></target></lastAssignmentsPerTarget></ids>', 'ids.lastAssignmentsPerTarget.t.r', 'expected an integer');
  });

  it('reports duplicate names', () => {
    expectError('services', '<services><service name="web"/><service name="web"/></services>', 'services.web', 'duplicate name "web"');
    expectError(
      'services',
      '<services><service name="web"><property name="a" type="int">1</property><property name="a" type="int">2</property></service></services>',
      'services.web.a',
      'duplicate name "a"',
    );
    expectError(
      'services',
      '<services><service name="web"><property name="p" type="attrs"><property name="x"/><property name="x" type="int">1</property></property></service></services>',
      'services.web.p.x',
      'duplicate name "x"',
    );
    expectError('infrastructure', '<infrastructure><target name="t1"/><target name="t1"/></infrastructure>', 'infrastructure.t1', 'duplicate name "t1"');
    expectError(
      'infrastructure',
      '<infrastructure><target name="t1"><containers><container name="c"/><container name="c"/></containers></target></infrastructure>',
      'infrastructure.t1.containers.c',
      'duplicate name "c"',
    );
    expectError('distribution', '<distribution><service name="web"/><service name="web"/></distribution>', 'distribution.web', 'duplicate name "web"');
    expectError('idresources', '<resources><resource name="ports"/><resource name="ports"/></resources>', 'idresources.ports', 'duplicate name "ports"');
    expectError('ids', '<ids><ids><resource name="r"><assignment name="a">1</assignment><assignment name="a">2</assignment></resource></ids></ids>', 'ids.ids.r.a', 'duplicate name "a"');
    expectError('docs', '<docs-config><groups><group name="a">x</group><group name="a">y</group></groups></docs-config>', 'docs.groups.a', 'duplicate name "a"');
    expectError('docs', '<docs-config><descriptions><type>x</type><type>y</type></descriptions></docs-config>', 'docs.descriptions.type', 'duplicate name "type"');
  });

  it('detects duplicates among many siblings', () => {
    const many = Array.from({ length: 40 }, (_, i) => `<property name="p${i % 39}" type="int">${i}</property>`).join('');
    expectError('services', `<services><service name="web">${many}</service></services>`, 'services.web.p0', 'duplicate name "p0"');
  });

  it('reports an entry without a name attribute', () => {
    expectError('services', '<services><service/></services>', 'services', '<service> without a name attribute');
  });
});

const services: Services = {
  web: {
    name: 'web',
    type: 'process',
    pkg: 'components/web',
    dependsOn: ['db'],
    connectsTo: [],
    activatesAfter: ['log'],
    properties: { group: 'a/b', requireMem: 256, stateful: true },
  },
  db: { name: 'db', dependsOn: [], connectsTo: [], activatesAfter: [], properties: {} },
};

const infrastructure: Infrastructure = {
  t1: {
    name: 't1',
    properties: { hostname: 'h1', mem: 1.5, zones: ['a', 'b'] },
    containers: { mysql: { port: 3306 }, process: {} },
    system: 'x86_64-linux',
    numOfCores: 2,
  },
  t0: { name: 't0', properties: {}, containers: {}, targetProperty: 'hostname', clientInterface: 'ssh' },
};

const distribution: Distribution = { web: [{ target: 't2' }, { target: 't1', container: 'tomcat' }], db: [] };
const idResources: IdResources = { ports: { min: 3000, max: 4000, scope: 'global', step: 1 }, uids: { min: 1, max: 9, scope: 'machine', step: 2 } };
const ids: Ids = { ids: { uids: {}, ports: { web: 3000, db: 3001 } }, lastAssignments: {}, lastAssignmentsPerTarget: { t1: { uids: 5 } } };
const docs: DocsConfig = { groups: { 'a/b': 'B', a: 'A' }, fields: ['type', 'a b'], descriptions: { type: 'Type', 'a b': 'Spaced' } };

describe('writing the XML forms', () => {
  it('writes services', () => {
    expect(servicesToXml(services)).toBe(`<?xml version="1.0"?>
<services>
  <service name="db">
    <property name="dependsOn"/>
    <property name="connectsTo"/>
    <property name="name" type="string">db</property>
  </service>
  <service name="web">
    <property name="dependsOn">
      <dependency>db</dependency>
    </property>
    <property name="connectsTo"/>
    <property name="activatesAfter">
      <dependency>log</dependency>
    </property>
    <property name="group" type="string">a/b</property>
    <property name="name" type="string">web</property>
    <property name="pkg" type="string">components/web</property>
    <property name="requireMem" type="int">256</property>
    <property name="stateful" type="bool">true</property>
    <property name="type" type="string">process</property>
  </service>
</services>
`);
    expect(servicesToXml({})).toBe('<?xml version="1.0"?>\n<services/>\n');
  });

  it('writes infrastructure', () => {
    expect(infrastructureToXml(infrastructure)).toBe(`<?xml version="1.0"?>
<infrastructure version="2">
  <target name="t0">
    <properties type="attrs"/>
    <containers/>
    <clientInterface>ssh</clientInterface>
    <targetProperty>hostname</targetProperty>
  </target>
  <target name="t1">
    <properties type="attrs">
      <property name="hostname" type="string">h1</property>
      <property name="mem" type="float">1.5</property>
      <property name="zones" type="list">
        <elem type="string">a</elem>
        <elem type="string">b</elem>
      </property>
    </properties>
    <containers>
      <container name="mysql" type="attrs">
        <property name="port" type="int">3306</property>
      </container>
      <container name="process" type="attrs"/>
    </containers>
    <system>x86_64-linux</system>
    <numOfCores>2</numOfCores>
  </target>
</infrastructure>
`);
  });

  it('writes a distribution in mapping order', () => {
    expect(distributionToXml(distribution)).toBe(`<?xml version="1.0"?>
<distribution>
  <service name="db"/>
  <service name="web">
    <mapping>
      <target>t2</target>
    </mapping>
    <mapping>
      <target>t1</target>
      <container>tomcat</container>
    </mapping>
  </service>
</distribution>
`);
  });

  it('writes idresources with <step> (B8)', () => {
    expect(idResourcesToXml(idResources)).toBe(`<?xml version="1.0"?>
<resources>
  <resource name="ports">
    <min>3000</min>
    <max>4000</max>
    <scope>global</scope>
    <step>1</step>
  </resource>
  <resource name="uids">
    <min>1</min>
    <max>9</max>
    <scope>machine</scope>
    <step>2</step>
  </resource>
</resources>
`);
  });

  it('writes ids: every resource table, the memories only when non-empty', () => {
    expect(idsToXml(ids)).toBe(`<?xml version="1.0"?>
<ids>
  <ids>
    <resource name="ports">
      <assignment name="db">3001</assignment>
      <assignment name="web">3000</assignment>
    </resource>
    <resource name="uids"/>
  </ids>
  <lastAssignmentsPerTarget>
    <target name="t1">
      <assignment name="uids">5</assignment>
    </target>
  </lastAssignmentsPerTarget>
</ids>
`);
    expect(idsToXml({ ids: {}, lastAssignments: {}, lastAssignmentsPerTarget: {} })).toBe('<?xml version="1.0"?>\n<ids>\n  <ids/>\n</ids>\n');
  });

  it('writes the docs config', () => {
    expect(docsConfigToXml(docs)).toBe(`<?xml version="1.0"?>
<docs-config>
  <groups>
    <group name="a">A</group>
    <group name="a/b">B</group>
  </groups>
  <fields>
    <field>type</field>
    <field>a b</field>
  </fields>
  <descriptions>
    <description name="a b">Spaced</description>
    <type>Type</type>
  </descriptions>
</docs-config>
`);
  });

  it('escapes special characters', () => {
    const xml = distributionToXml({ 'a"&<>': [{ target: 'x & <y>', container: 'c"' }] });
    expect(xml).toContain('<service name="a&quot;&amp;&lt;&gt;">');
    expect(xml).toContain('<target>x &amp; &lt;y&gt;</target>');
    expect(xml).toContain('<container>c"</container>');
  });
});

describe('round trips', () => {
  const tricky = 'a & b < c > d " e \' f\r\n\tg \u0001 \u263a \ud83d\ude00 ]]> &amp;';

  it('services', () => {
    const model: Services = {
      ...services,
      [tricky]: {
        name: tricky,
        type: '',
        dependsOn: ['web', tricky],
        connectsTo: ['db'],
        activatesAfter: [],
        properties: {
          text: tricky,
          empty: '',
          spaces: '  ',
          numbers: [0, -1, 1.5, 1e21, -2.5e-7, Number.MAX_SAFE_INTEGER],
          nested: { a: { b: [{ c: true }, []] }, 'x y': {}, __proto__x: 'p' },
          [`${tricky}key`]: false,
        },
      },
    };
    expect(servicesFromRaw(parseXmlDocument('services', servicesToXml(model), 'f.xml'), 'f.xml')).toEqual(model);
  });

  it('infrastructure', () => {
    const model: Infrastructure = { ...infrastructure, [tricky]: { name: tricky, properties: { [tricky]: tricky }, containers: { [tricky]: { p: [tricky] } }, system: tricky } };
    expect(infrastructureFromRaw(parseXmlDocument('infrastructure', infrastructureToXml(model), 'f.xml'), 'f.xml')).toEqual(model);
  });

  it('distribution', () => {
    const model: Distribution = { ...distribution, [tricky]: [{ target: tricky, container: tricky }, { target: 'b' }, { target: 'a' }] };
    expect(distributionFromRaw(parseXmlDocument('distribution', distributionToXml(model), 'f.xml'), 'f.xml')).toEqual(model);
  });

  it('idresources, ids and docs', () => {
    expect(idResourcesFromRaw(parseXmlDocument('idresources', idResourcesToXml(idResources), 'f.xml'), 'f.xml')).toEqual(idResources);
    const fullIds: Ids = { ...ids, lastAssignments: { ports: 3001, [tricky]: -4 } };
    expect(idsFromRaw(parseXmlDocument('ids', idsToXml(fullIds), 'f.xml'), 'f.xml')).toEqual(fullIds);
    const fullDocs: DocsConfig = { groups: { [tricky]: tricky }, fields: [tricky, 'description'], descriptions: { [tricky]: tricky, description: 'D', type: '' } };
    expect(docsConfigFromRaw(parseXmlDocument('docs', docsConfigToXml(fullDocs), 'f.xml'), 'f.xml')).toEqual(fullDocs);
  });

  // Its speed is measured by `npm run bench` (bench/model.ts, "xml parse 20k"), not asserted here.
  it('parses a large services document', () => {
    const many: Services = {};
    for (let i = 0; i < 20_000; i++) {
      many[`svc${i}`] = { name: `svc${i}`, type: 'process', pkg: `components/svc${i}`, dependsOn: i > 0 ? [`svc${i - 1}`] : [], connectsTo: [], activatesAfter: [], properties: { requireMem: i, group: 'g' } };
    }
    const xml = servicesToXml(many);
    const raw = parseXmlDocument('services', xml, 'f.xml') as Record<string, unknown>;
    expect(Object.keys(raw)).toHaveLength(20_000);
  });
});
