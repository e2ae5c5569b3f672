/* Dataward cookie banner. Served by Dataward as /consent.js; no third-party code, no build.
   Scripts that need a visitor's agreement are written as
     <script type="text/plain" data-dataward-category="analytics" src="..."></script>
   and run only once their category is allowed. The visitor's choice is kept in localStorage
   (a strictly necessary store) and recorded by Dataward. Reopen the banner with
   DatawardConsent.open(), e.g. from a "Cookie settings" link. */
(function () {
  "use strict";
  var CONFIG = __DATAWARD_CONFIG__;
  var STORE = "dataward-consent";
  var doc = document;
  var gpc = navigator.globalPrivacyControl === true;
  var ALWAYS = { strictly_necessary: true, communication: true };
  var OBJECTABLE = { analytics: true, preferences: true };

  function stored() {
    try {
      var state = JSON.parse(window.localStorage.getItem(STORE) || "null");
      return state && state.version === CONFIG.version ? state : null;
    } catch (e) {
      return null;
    }
  }

  function visitorId() {
    try {
      var old = JSON.parse(window.localStorage.getItem(STORE) || "null");
      if (old && old.visitor) return old.visitor;
    } catch (e) {}
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  function defaults() {
    var choices = {};
    CONFIG.categories.forEach(function (c) {
      choices[c.key] = ALWAYS[c.basis] === true || (OBJECTABLE[c.basis] === true && !gpc);
    });
    return choices;
  }

  function activate(choices) {
    var waiting = doc.querySelectorAll('script[type="text/plain"][data-dataward-category]');
    Array.prototype.forEach.call(waiting, function (old) {
      if (!choices[old.getAttribute("data-dataward-category")]) return;
      if (old.hasAttribute("data-dataward-run")) return;
      old.setAttribute("data-dataward-run", "");
      var script = doc.createElement("script");
      if (old.src) script.src = old.src;
      else script.text = old.text;
      old.parentNode.insertBefore(script, old.nextSibling);
    });
  }

  function forget(choices) {
    // Cookies of a category now refused or objected to are expired, where the page can.
    CONFIG.categories.forEach(function (c) {
      if (choices[c.key]) return;
      (c.cookies || []).forEach(function (name) {
        doc.cookie = name + "=; Max-Age=0; path=/";
      });
    });
  }

  function record(state) {
    var body = JSON.stringify({
      visitor: state.visitor, version: CONFIG.version, choices: state.choices, gpc: gpc
    });
    try {
      // text/plain keeps it a simple cross-site request: no preflight, nothing to read back.
      window.fetch(CONFIG.endpoint, {
        method: "POST", mode: "no-cors", keepalive: true, body: body,
        headers: { "Content-Type": "text/plain" }
      });
    } catch (e) {}
  }

  function keep(choices) {
    var state = { visitor: visitorId(), version: CONFIG.version, choices: choices };
    try { window.localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) {}
    record(state);
    forget(choices);
    activate(choices);
    return state;
  }

  function element(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function open() {
    var current = (stored() || {}).choices || defaults();
    var old = doc.getElementById("dataward-cookies");
    if (old) old.parentNode.removeChild(old);
    var banner = element("section", "dw-cookies");
    banner.id = "dataward-cookies";
    banner.setAttribute("role", "region");
    banner.setAttribute("aria-labelledby", "dataward-cookies-title");
    var title = element("h2", "dw-title", "Cookies on this website");
    title.id = "dataward-cookies-title";
    banner.appendChild(title);
    banner.appendChild(element("p", "", CONFIG.intro));
    if (gpc) {
      banner.appendChild(element("p", "dw-gpc",
        "Your browser sends the Global Privacy Control signal, so we have switched off every" +
        " cookie you can refuse or object to."));
    }
    var boxes = {};
    CONFIG.categories.forEach(function (c) {
      var row = element("div", "dw-category");
      var box = doc.createElement("input");
      box.type = "checkbox";
      box.id = "dw-" + c.key;
      box.checked = current[c.key] === true;
      box.disabled = ALWAYS[c.basis] === true;
      var label = element("label", "", c.name + ": " + c.description);
      label.htmlFor = box.id;
      row.appendChild(box);
      row.appendChild(label);
      row.appendChild(element("p", "dw-note", c.note));
      banner.appendChild(row);
      boxes[c.key] = box;
    });
    var actions = element("div", "dw-actions");
    function button(text, pick) {
      var b = element("button", "dw-button", text);
      b.type = "button";
      b.addEventListener("click", function () {
        keep(pick());
        banner.parentNode.removeChild(banner);
      });
      actions.appendChild(b);
    }
    function every(allow) {
      return function () {
        var choices = {};
        CONFIG.categories.forEach(function (c) {
          choices[c.key] = ALWAYS[c.basis] === true || allow;
        });
        return choices;
      };
    }
    button("Accept all", every(true));
    button("Reject all but essential", every(false));
    button("Save my choices", function () {
      var choices = {};
      Object.keys(boxes).forEach(function (k) { choices[k] = boxes[k].checked; });
      return choices;
    });
    banner.appendChild(actions);
    doc.body.appendChild(banner);
  }

  function start() {
    var css = doc.createElement("link");
    css.rel = "stylesheet";
    css.href = CONFIG.stylesheet;
    doc.head.appendChild(css);
    var state = stored();
    if (state) {
      activate(state.choices);
      return;
    }
    // Not yet chosen: only what needs no agreement runs, and the banner says what it is.
    activate(defaults());
    if (gpc) keep(defaults());
    open();
  }

  window.DatawardConsent = { open: open };
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})();
