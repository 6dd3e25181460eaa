// Read-only probe of a notebook open in JupyterLab, injected into the page by
// the browser tests (page.add_init_script).  It reads the notebook through
// JupyterLab's application object, `window.jupyterapp`, which the server
// exposes with --LabApp.expose_app_in_browser=True.  It never changes the
// notebook: the tests act through the menus, the way a student does.
window.courseProbe = (() => {
  const STDERR = 'application/vnd.jupyter.stderr';

  // A short, stable fingerprint of a long string (an image's base64 data).
  function hash(text) {
    let h = 5381;
    for (let i = 0; i < text.length; i++) {
      h = ((h << 5) + h + text.charCodeAt(i)) | 0;
    }
    return `${text.length}:${(h >>> 0).toString(16)}`;
  }

  function panel(path) {
    const app = window.jupyterapp;
    if (!app || !app.shell) return null;
    for (const widget of app.shell.widgets('main')) {
      if (widget.context && widget.context.path === path && widget.content) return widget;
    }
    return null;
  }

  function kernelStatus(path) {
    const p = panel(path);
    const kernel = p && p.sessionContext.session && p.sessionContext.session.kernel;
    return kernel ? kernel.status : null;
  }

  function output(out, withImages) {
    const json = out.toJSON();
    const data = json.data || {};
    const result = {
      type: json.output_type,
      name: json.name || null,
      mimes: Object.keys(data),
      text: null,
      image: null,
    };
    if (json.output_type === 'stream') result.text = String(json.text).slice(0, 2000);
    if (json.output_type === 'error') result.text = `${json.ename}: ${json.evalue}`;
    if (data['text/plain'] !== undefined) result.plain = String(data['text/plain']).slice(0, 200);
    if (withImages && data['image/png'] !== undefined) result.image = hash(String(data['image/png']));
    return result;
  }

  function dom(cell, withImages) {
    const node = cell.outputArea ? cell.outputArea.node : null;
    if (!node) return { images: [], stderrBoxes: 0, sliders: 0 };
    const images = Array.from(node.querySelectorAll('img')).map((img) => ({
      loaded: img.complete && img.naturalWidth > 0,
      width: img.naturalWidth,
      src: withImages ? hash(img.src) : null,
    }));
    return {
      images,
      stderrBoxes: node.querySelectorAll(`[data-mime-type="${STDERR}"]`).length,
      sliders: node.querySelectorAll('.widget-slider').length,
    };
  }

  // One entry per cell.  detail: 'all' (outputs and image fingerprints of
  // every cell), 'running' (only for cells queued or running), 'none'.
  function cells(path, detail) {
    const p = panel(path);
    if (!p) return null;
    return p.content.widgets.map((cell, index) => {
      const model = cell.model;
      const code = model.type === 'code';
      const running = code && model.executionState === 'running';
      const withDetail = code && (detail === 'all' || (detail === 'running' && running));
      const entry = {
        index,
        type: model.type,
        nbgrader: model.getMetadata('nbgrader') || null,
        count: code ? model.executionCount : null,
        running,
        nOutputs: code ? model.outputs.length : 0,
      };
      if (withDetail) {
        entry.source = model.sharedModel.getSource();
        entry.outputs = [];
        for (let i = 0; i < model.outputs.length; i++) {
          entry.outputs.push(output(model.outputs.get(i), true));
        }
        entry.dom = dom(cell, true);
      }
      return entry;
    });
  }

  // Scroll cell `index` into view and tag its node data-course-cell="index",
  // so that Playwright can find it (the only change made to the page).
  function reveal(path, index) {
    const p = panel(path);
    if (!p) return false;
    const cell = p.content.widgets[index];
    cell.node.dataset.courseCell = String(index);
    cell.node.scrollIntoView({ block: 'center' });
    return true;
  }

  return { kernelStatus, cells, reveal };
})();
