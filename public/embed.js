/**
 * <spin-playground>: a live Spin example in any web page (README "Embedding").
 *
 *   <script src="https://play.example.com/__pg/embed.js" defer></script>
 *   <spin-playground src="example:kv-basics" show="request,kv" height="420"></spin-playground>
 *
 * Attributes:
 *   src         "example:<name>" (a bundled example), the URL of a spin.toml (absolute, or
 *               relative to this page), or "share:v1.…" / "#v1.…" (a share link's fragment)
 *   height      CSS height of the frame: a number of pixels or a length ("30rem"); default 480
 *   show        panels beside the app's preview: any of request, kv, logs, manifest, and
 *               response (the response text instead of the rendered page)
 *   path        the path the preview (and request console) start at, e.g. "/api/items"
 *   playground  the playground's URL, when this script is not served by the playground itself
 *   title       the frame's accessible title
 *
 * It renders an iframe of the playground in embed mode (`/?embed=1&…`) and an "Open in
 * playground" link to the same app in a full tab. Plain ES2017 with no dependencies: this file
 * is served as it is, not bundled.
 */
(() => {
  var TAG = 'spin-playground';
  if (window.customElements.get(TAG)) return;

  /** Where this script came from: the playground it belongs to (its files live under /__pg/). */
  // `currentScript` is null in a module script; then find the tag that loaded this file.
  var script = document.currentScript || document.querySelector('script[src$="/__pg/embed.js"]');
  var DEFAULT_ROOT = (() => {
    if (!script?.src) return `${location.origin}/`;
    var url = new URL(script.src);
    var at = url.pathname.lastIndexOf('/__pg/');
    url.pathname = at >= 0 ? url.pathname.slice(0, at + 1) : '/';
    url.search = '';
    url.hash = '';
    return url.href;
  })();

  var PANELS = ['request', 'kv', 'logs', 'manifest', 'response'];
  var EXAMPLE = /^[a-z0-9][a-z0-9-]{0,62}$/;
  var SHARE = /^v\d{1,6}\.[A-Za-z0-9_-]+$/;

  /**
   * The embed and "open" URLs for an element's attributes, or an error message.
   * `root` is the playground's URL, `base` the page's URL (for relative manifest URLs).
   */
  function playgroundUrls(attrs, root, base) {
    var src = (attrs.src || '').trim();
    var app = [];
    var hash = '';
    var label;
    if (src.indexOf('example:') === 0) {
      var name = src.slice('example:'.length);
      if (!EXAMPLE.test(name)) return { error: 'example names are lowercase letters, digits and dashes' };
      app.push(['example', name]);
      label = name;
    } else if (src.indexOf('share:') === 0 || src.charAt(0) === '#') {
      hash = src.slice(src.charAt(0) === '#' ? 1 : 'share:'.length);
      if (!SHARE.test(hash)) return { error: 'a share link looks like share:v1.… (the part after # in the link)' };
      label = 'shared app';
    } else if (src) {
      var manifest;
      try {
        manifest = new URL(src, base);
      } catch (_e) {
        return { error: 'src is not a URL' };
      }
      if (manifest.protocol !== 'http:' && manifest.protocol !== 'https:') return { error: 'the manifest URL must be http or https' };
      app.push(['app', manifest.href]);
      label =
        manifest.pathname
          .replace(/\/spin\.toml$/, '')
          .split('/')
          .pop() || manifest.host;
    } else {
      return { error: 'set src to example:<name>, the URL of a spin.toml, or share:v1.…' };
    }

    var extra = [];
    var path = (attrs.path || '').trim();
    if (path) {
      if (path.charAt(0) !== '/') return { error: 'path must start with /' };
      extra.push(['path', path]);
    }
    var show = (attrs.show || '')
      .split(',')
      .map((s) => s.trim())
      .filter((s, i, all) => PANELS.indexOf(s) >= 0 && all.indexOf(s) === i);

    var embedParams = [['embed', '1']].concat(app, show.length ? [['show', show.join(',')]] : [], extra);
    return {
      label: label,
      embed: withQuery(root, embedParams, hash),
      open: withQuery(root, app.concat(extra), hash),
    };
  }

  /**
   * The playground attribute as an absolute URL, or an error. Only http(s): the value becomes the
   * frame's src and the link's href, where `javascript:` or `data:` would run script chosen by
   * whoever wrote the attribute (in the docs page's origin, for javascript:).
   */
  function playgroundRoot(value, base) {
    if (!value) return { href: DEFAULT_ROOT };
    var url;
    try {
      url = new URL(value.trim(), base);
    } catch (_e) {
      return { error: 'playground is not a URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'the playground URL must be http or https' };
    return { href: url.href };
  }

  /** `root` with a query; commas stay readable (`show=request,kv`). */
  function withQuery(root, params, hash) {
    var url = new URL(root);
    url.search = params.map((p) => `${p[0]}=${encodeURIComponent(p[1]).replace(/%2C/g, ',')}`).join('&');
    url.hash = hash;
    return url.href;
  }

  function cssHeight(value) {
    var v = (value || '').trim();
    if (/^\d+(\.\d+)?$/.test(v)) return `${v}px`;
    if (/^\d+(\.\d+)?(px|em|rem|vh|svh|lvh|dvh)$/.test(v)) return v;
    return '480px';
  }

  var STYLE =
    ':host{display:block;margin:1em 0}' +
    '.frame{border:1px solid #d0d7de;border-radius:8px;overflow:hidden;background:#fff}' +
    'iframe{display:block;width:100%;border:0;background:#fff}' +
    '.bar{display:flex;justify-content:flex-end;gap:1em;padding:4px 10px;border-top:1px solid #d0d7de;background:#f6f8fa;font:13px/1.6 system-ui,sans-serif}' +
    '.bar a{color:#0969da;text-decoration:none}.bar a:hover{text-decoration:underline}' +
    '.error{padding:10px 12px;color:#82071e;background:#ffebe9;font:13px/1.5 system-ui,sans-serif}';

  class SpinPlayground extends HTMLElement {
    static get observedAttributes() {
      return ['src', 'height', 'show', 'path', 'playground', 'title'];
    }
    connectedCallback() {
      this._render();
    }
    attributeChangedCallback() {
      if (this.isConnected) this._render();
    }
  }

  SpinPlayground.prototype._render = function () {
    var root = this.shadowRoot || this.attachShadow({ mode: 'open' });
    var attrs = {};
    for (var i = 0; i < SpinPlayground.observedAttributes.length; i++) {
      var name = SpinPlayground.observedAttributes[i];
      attrs[name] = this.getAttribute(name);
    }
    var playground = playgroundRoot(attrs.playground, document.baseURI);
    var urls = playground.error ? playground : playgroundUrls(attrs, playground.href, document.baseURI);
    var style = document.createElement('style');
    style.textContent = STYLE;
    if (urls.error) {
      var message = document.createElement('div');
      message.className = 'error';
      message.setAttribute('role', 'alert');
      message.setAttribute('part', 'error');
      message.textContent = `spin-playground: ${urls.error}.`;
      root.replaceChildren(style, message);
      return;
    }
    var frame = document.createElement('div');
    frame.className = 'frame';
    frame.setAttribute('part', 'frame');
    var iframe = document.createElement('iframe');
    iframe.setAttribute('part', 'iframe');
    iframe.title = attrs.title || `Spin Playground: ${urls.label}`;
    iframe.loading = 'lazy';
    iframe.allow = 'clipboard-write';
    iframe.style.height = cssHeight(attrs.height);
    iframe.src = urls.embed;
    var bar = document.createElement('div');
    bar.className = 'bar';
    bar.setAttribute('part', 'bar');
    var open = document.createElement('a');
    open.setAttribute('part', 'open');
    open.href = urls.open;
    open.target = '_blank';
    open.rel = 'noopener';
    open.textContent = 'Open in playground \u2197';
    bar.append(open);
    frame.append(iframe, bar);
    root.replaceChildren(style, frame);
  };

  /** For tests and for pages that build URLs themselves. */
  SpinPlayground.playgroundUrls = playgroundUrls;
  SpinPlayground.playgroundRoot = playgroundRoot;
  SpinPlayground.defaultPlayground = DEFAULT_ROOT;

  window.customElements.define(TAG, SpinPlayground);
})();
