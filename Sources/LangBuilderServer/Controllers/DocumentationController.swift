import Hummingbird
import LangBuilderCore

/// `GET /openapi.json` (the OpenAPI 3.1 document of the real routes) and `GET /docs` (a page rendering it).
///
/// The page is self-contained, with no script or style from elsewhere, so it works on machines without
/// internet access and under a strict content security policy.
struct DocumentationController<Context: RequestContext> {
    let document: String

    init(settings: ServerSettings, store: Bool = false) {
        document = APIDescription.document(version: settings.version, store: store).serialized()
    }

    func addRoutes(to router: Router<Context>) {
        router.get("/openapi.json") { [document] _, _ in
            Response.json(text: document)
        }
        router.get("/docs") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.page)))
        }
    }

    static var page: String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>LangBuilder API</title>
        <style>
        body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 960px; padding: 1rem 2rem; color: #1d1d1f; }
        h1 { margin-bottom: 0; } .muted { color: #666; }
        h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
        details { border: 1px solid #e3e3e3; border-radius: 6px; margin: .4rem 0; }
        summary { cursor: pointer; padding: .4rem .6rem; font-family: ui-monospace, monospace; }
        .m { display: inline-block; min-width: 4.5rem; font-weight: 600; text-transform: uppercase; }
        .get { color: #0b6bcb; } .post { color: #1a7f37; } .put { color: #9a6700; } .patch { color: #8250df; } .delete { color: #cf222e; }
        .body { padding: 0 1rem .6rem; } pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; font-size: 13px; }
        table { border-collapse: collapse; } td, th { text-align: left; padding: .1rem .6rem .1rem 0; vertical-align: top; }
        </style>
        </head>
        <body>
        <h1>LangBuilder API</h1>
        <p class="muted" id="info">Loading <a href="/openapi.json">/openapi.json</a>…</p>
        <div id="ops"></div>
        <script>
        const text = (tag, content, cls) => { const e = document.createElement(tag); if (cls) e.className = cls; e.textContent = content; return e; };
        fetch('/openapi.json').then(r => r.json()).then(doc => {
          document.getElementById('info').textContent = doc.info.description + ' Version ' + doc.info.version + '.';
          const byTag = new Map();
          for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
            const tag = (op.tags || ['Other'])[0];
            if (!byTag.has(tag)) byTag.set(tag, []);
            byTag.get(tag).push([method, path, op]);
          }
          const root = document.getElementById('ops');
          for (const [tag, ops] of byTag) {
            root.appendChild(text('h2', tag));
            for (const [method, path, op] of ops) {
              const d = document.createElement('details');
              const s = document.createElement('summary');
              s.appendChild(text('span', method, 'm ' + method)); s.appendChild(text('span', path + '  '));
              s.appendChild(text('span', op.summary || '', 'muted'));
              d.appendChild(s);
              const b = document.createElement('div'); b.className = 'body';
              if (op.description) b.appendChild(text('p', op.description));
              if (op.security && op.security.length === 0) b.appendChild(text('p', 'No authentication.', 'muted'));
              if (op.parameters) {
                const t = document.createElement('table');
                t.appendChild(text('tr', '')).append(text('th', 'parameter'), text('th', 'in'), text('th', 'type'), text('th', ''));
                for (const p of op.parameters) t.appendChild(text('tr', '')).append(text('td', p.name), text('td', p.in), text('td', p.schema.type), text('td', p.description || ''));
                b.appendChild(t);
              }
              if (op.requestBody) {
                b.appendChild(text('p', 'Body: ' + Object.keys(op.requestBody.content).join(', ') + ' — ' + (op.requestBody.description || '')));
                const c = Object.values(op.requestBody.content)[0];
                if (c && c.schema) b.appendChild(text('pre', JSON.stringify(c.schema, null, 2)));
              }
              const t = document.createElement('table');
              for (const [status, r] of Object.entries(op.responses)) t.appendChild(text('tr', '')).append(text('td', status), text('td', r.description));
              b.appendChild(t);
              d.appendChild(b); root.appendChild(d);
            }
          }
          root.appendChild(text('h2', 'Schemas'));
          root.appendChild(text('pre', JSON.stringify(doc.components.schemas, null, 2)));
        }).catch(e => { document.getElementById('info').textContent = 'Could not load /openapi.json: ' + e; });
        </script>
        </body>
        </html>
        """
    }
}
