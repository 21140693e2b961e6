// The partner portal page: plain DOM and fetch, no build step. It talks only to the JSON API
// (/api/portal from MapPartnerPortal, /api/manufacturer/pipeline) and renders what comes back.
'use strict';

const partnerSelect = document.getElementById('partner');
const errorBox = document.getElementById('error');

function currentPartner() {
  return partnerSelect.value;
}

// DEMO ONLY: the chosen partner id travels in a header; a real portal has a sign-in instead.
async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { 'X-Demo-Partner': currentPartner(), 'Content-Type': 'application/json', ...(options.headers || {}) },
  });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      message = problem.detail || problem.title || message;
      if (problem.errors) {
        message += ': ' + Object.values(problem.errors).flat().join(' ');
      }
    } catch { /* not JSON */ }
    throw new Error(message);
  }
  return response.status === 204 ? null : response.json();
}

function cell(row, text, className) {
  const td = row.insertCell();
  if (text === null || text === undefined) {
    td.textContent = 'hidden';
    td.className = 'hidden-field';
  } else {
    td.textContent = text;
  }
  if (className) {
    td.classList.add(className);
  }
  return td;
}

function button(td, label, action, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.action = action;
  b.addEventListener('click', () => run(onClick));
  td.appendChild(b);
  return b;
}

function money(value) {
  return value ? `${value.amount} ${value.currency}` : null;
}

function isoDateInDays(days) {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function renderOffered(leads) {
  const body = document.querySelector('#offered tbody');
  body.replaceChildren();
  for (const lead of leads.filter(l => !l.isAccepted)) {
    const row = body.insertRow();
    row.dataset.lead = lead.id;
    cell(row, lead.id);
    cell(row, [lead.country, lead.postalCode, lead.city].filter(Boolean).join(' '));
    cell(row, lead.productInterest);
    cell(row, money(lead.estimatedValue), 'money');
    cell(row, lead.acceptanceDeadline ? new Date(lead.acceptanceDeadline).toLocaleString() : '');
    const actions = cell(row, '');
    button(actions, 'Accept', 'accept', () => api(`/api/portal/leads/${encodeURIComponent(lead.id)}/accept`, { method: 'POST' }));
    const reason = document.createElement('input');
    reason.placeholder = 'Reason to reject';
    reason.dataset.field = 'reason';
    actions.appendChild(reason);
    button(actions, 'Reject', 'reject', () => api(`/api/portal/leads/${encodeURIComponent(lead.id)}/reject`, {
      method: 'POST', body: JSON.stringify({ reason: reason.value }),
    }));
  }
}

function renderAccepted(leads) {
  const body = document.querySelector('#accepted tbody');
  body.replaceChildren();
  for (const lead of leads.filter(l => l.state === 'Accepted')) {
    const row = body.insertRow();
    row.dataset.lead = lead.id;
    cell(row, lead.id);
    cell(row, lead.company);
    cell(row, [lead.contactName, lead.contactEmail, lead.contactPhone].filter(Boolean).join(', '));
    cell(row, money(lead.estimatedValue), 'money');
    button(cell(row, ''), 'Open as deal', 'convert', () => api(`/api/portal/leads/${encodeURIComponent(lead.id)}/convert`, {
      method: 'POST', body: JSON.stringify({ expectedClose: isoDateInDays(90) }),
    }));
  }
}

function renderPipeline(opportunities) {
  const body = document.querySelector('#pipeline tbody');
  body.replaceChildren();
  for (const deal of opportunities.filter(o => !o.isClosed)) {
    const row = body.insertRow();
    row.dataset.opportunity = deal.id;
    cell(row, deal.name || deal.id);
    const stage = document.createElement('select');
    stage.dataset.action = 'stage';
    for (const name of deal.stages) {
      stage.add(new Option(name, name, false, name === deal.stage));
    }
    stage.addEventListener('change', () => run(() => api(`/api/portal/opportunities/${encodeURIComponent(deal.id)}`, {
      method: 'PATCH', body: JSON.stringify({ stage: stage.value, version: deal.version }),
    })));
    cell(row, '').appendChild(stage);
    cell(row, `${Math.round(deal.probability * 100)} %`, 'money');
    cell(row, money(deal.amount), 'money');
    cell(row, deal.expectedClose);
  }
}

async function refresh() {
  document.body.dataset.state = 'loading';
  const [leads, opportunities, pipeline] = await Promise.all([
    api('/api/portal/leads'),
    api('/api/portal/opportunities'),
    fetch('/api/manufacturer/pipeline').then(r => r.json()),
  ]);
  renderOffered(leads);
  renderAccepted(leads);
  renderPipeline(opportunities);
  document.getElementById('weighted-total').textContent = pipeline.total.weighted;
  document.getElementById('weighted-currency').textContent = pipeline.currency;
  document.getElementById('deal-count').textContent = pipeline.total.count;
  document.body.dataset.state = 'ready';
}

// Every user action: do it, then show the server's state again (or the error).
async function run(action) {
  errorBox.hidden = true;
  try {
    await action();
    await refresh();
  } catch (error) {
    errorBox.textContent = error.message;
    errorBox.hidden = false;
    document.body.dataset.state = 'error';
  }
}

async function start() {
  const partners = await fetch('/api/demo/partners').then(r => r.json());
  for (const p of partners) {
    partnerSelect.add(new Option(`${p.name} (${p.id})`, p.id));
  }
  const wanted = new URLSearchParams(location.search).get('partner') || localStorage.getItem('demo-partner');
  if (partners.some(p => p.id === wanted)) {
    partnerSelect.value = wanted;
  }
  partnerSelect.addEventListener('change', () => {
    localStorage.setItem('demo-partner', currentPartner());
    run(() => Promise.resolve());
  });
  await run(() => Promise.resolve());
}

start();
