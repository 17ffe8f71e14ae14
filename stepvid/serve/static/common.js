// Shared helpers: JSON calls to /api/ and DOM building that only ever sets text (never HTML from data).
"use strict";

class ApiError extends Error {
  constructor(message, status, field) { super(message); this.status = status; this.field = field; }
}

async function apiCall(method, url, body) {
  const opts = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(url, opts);
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (!r.ok) {
    const msg = data && data.error ? data.error : `HTTP ${r.status} ${r.statusText}`;
    throw new ApiError(msg, r.status, data ? data.field : null);
  }
  return data;
}

const api = {
  get: (url) => apiCall("GET", url),
  post: (url, body) => apiCall("POST", url, body === undefined ? {} : body),
};

// el("p", {class: "x"}, "text", child) — attributes via setAttribute (no on* handlers), children as text nodes.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.toLowerCase().startsWith("on")) throw new Error(`el(): refusing event attribute ${k}`);
    if (v === true) node.setAttribute(k, "");
    else if (v !== false && v !== null && v !== undefined) node.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return node;
}

function byId(id) { return document.getElementById(id); }

function setText(id, text) { byId(id).textContent = text; }
