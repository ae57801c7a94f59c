// The modeler page: bpmn-js with its properties panel (Camunda 7 dialect), checking, drafts and
// deploys through the server, and every problem shown on its element.
import BpmnModeler from "bpmn-js/lib/Modeler";
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from "bpmn-js-properties-panel";
import CamundaBehaviorsModule from "camunda-bpmn-js-behaviors/lib/camunda-platform";
import camundaModdle from "camunda-bpmn-moddle/resources/camunda.json";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";

import { vietnameseTranslate } from "./translate-vi.js";

const root = document.getElementById("modeler");
const texts = JSON.parse(document.getElementById("modeler-texts").textContent);

const status = root.querySelector("[data-status]");
const problemList = root.querySelector("[data-problems]");
const problemTitle = root.querySelector("[data-problems-title]");

// Camunda 7 groups for settings PlanCycle's engine does not read (history, job executor, listeners,
// connectors...): hidden, so the panel shows what the engine runs. Whatever a file holds there is
// kept when it is saved.
const UNUSED_GROUPS = new Set(
  [
    "AsynchronousContinuations",
    "CandidateStarter",
    "ConnectorInput",
    "ConnectorOutput",
    "ExecutionListener",
    "ExternalTask",
    "FieldInjection",
    "FormData",
    "HistoryCleanup",
    "Implementation",
    "InMappingPropagation",
    "Input",
    "JobExecution",
    "OutMappingPropagation",
    "Output",
    "StartInitiator",
    "TaskListener",
    "Tasklist",
  ].map((name) => `CamundaPlatform__${name}`),
);

function PlanCycleGroups(propertiesPanel) {
  propertiesPanel.registerProvider(1, this); // the lowest priority: it sees every other group
}
PlanCycleGroups.$inject = ["propertiesPanel"];
PlanCycleGroups.prototype.getGroups = () => (groups) => groups.filter((group) => !UNUSED_GROUPS.has(group.id));

const additionalModules = [
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
  CamundaBehaviorsModule,
  { __init__: ["planCycleGroups"], planCycleGroups: ["type", PlanCycleGroups] },
];
if (root.dataset.language === "vi") {
  additionalModules.push({ translate: ["value", vietnameseTranslate] });
}

const modeler = new BpmnModeler({
  container: root.querySelector("[data-canvas]"),
  propertiesPanel: { parent: root.querySelector("[data-properties]") },
  additionalModules,
  moddleExtensions: { camunda: camundaModdle },
});

let dirty = false;
let problemOverlays = [];
let markedElements = [];

function say(message, kind) {
  status.textContent = message;
  status.className = `modeler-status ${kind || ""}`.trim();
}

function clearProblems() {
  const overlays = modeler.get("overlays");
  const canvas = modeler.get("canvas");
  for (const id of problemOverlays) {
    overlays.remove(id);
  }
  for (const [elementId, marker] of markedElements) {
    canvas.removeMarker(elementId, marker);
  }
  problemOverlays = [];
  markedElements = [];
  problemList.replaceChildren();
  problemTitle.hidden = true;
}

function selectElement(elementId) {
  const registry = modeler.get("elementRegistry");
  const element = registry.get(elementId);
  if (!element) {
    return;
  }
  modeler.get("selection").select(element);
  modeler.get("canvas").scrollToElement(element);
}

// Show each problem in the list beside the diagram and, when it names an element that is drawn,
// as a badge on that element with the message (hover shows the whole text).
function showProblems(errors, warnings) {
  clearProblems();
  const registry = modeler.get("elementRegistry");
  const overlays = modeler.get("overlays");
  const canvas = modeler.get("canvas");
  const all = [
    ...errors.map((p) => ({ ...p, severity: "error" })),
    ...warnings.map((p) => ({ ...p, severity: "warning" })),
  ];
  problemTitle.hidden = all.length === 0;
  for (const problem of all) {
    const item = document.createElement("li");
    item.className = `problem ${problem.severity}`;
    item.dataset.element = problem.element_id || "";
    const label = document.createElement(problem.element_id ? "button" : "span");
    label.className = "problem-element";
    label.textContent = problem.element_id || texts.wholeDiagram;
    if (problem.element_id) {
      label.type = "button";
      label.addEventListener("click", () => selectElement(problem.element_id));
    }
    const message = document.createElement("span");
    message.className = "problem-message";
    message.textContent = problem.message;
    item.append(label, " ", message);
    problemList.append(item);

    const element = problem.element_id && registry.get(problem.element_id);
    if (!element) {
      continue;
    }
    const marker = problem.severity === "error" ? "pc-error" : "pc-warning";
    canvas.addMarker(element, marker);
    markedElements.push([element.id, marker]);
    // An error shows its message; a warning shows a short mark and its message when pointed at,
    // so a model from another tool with many warnings stays readable.
    const badge = document.createElement("div");
    badge.className = `pc-problem-badge ${problem.severity}`;
    badge.dataset.element = element.id;
    badge.title = problem.message;
    badge.tabIndex = 0;
    const short = document.createElement("span");
    short.className = "badge-short";
    short.textContent = problem.severity === "error" ? texts.errorMark : texts.warningMark;
    const full = document.createElement("span");
    full.className = "badge-full";
    full.textContent = problem.message;
    badge.append(short, full);
    problemOverlays.push(
      overlays.add(element, "plancycle-problem", { position: { bottom: -6, left: 0 }, html: badge }),
    );
  }
}

async function currentXml() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

async function post(url, xml) {
  const body = new FormData();
  body.append("xml", xml);
  if (root.dataset.basedOn) {
    body.append("based_on_version", root.dataset.basedOn);
  }
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
    credentials: "same-origin",
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch {
    answer = { message: `${texts.serverError} (${response.status})` };
  }
  return { ok: response.ok, status: response.status, answer };
}

function showReport(answer) {
  // Deselect, so the context pad does not cover the badges.
  modeler.get("selection").select(null);
  showProblems(answer.errors || [], answer.warnings || []);
}

async function run(button, action) {
  const buttons = root.querySelectorAll("[data-action]");
  buttons.forEach((b) => {
    b.disabled = true;
  });
  say(texts.working, "busy");
  try {
    await action();
  } catch (error) {
    say(`${texts.serverError}: ${error.message || error}`, "error");
  } finally {
    buttons.forEach((b) => {
      b.disabled = false;
    });
  }
}

async function validate() {
  const { answer } = await post(root.dataset.validateUrl, await currentXml());
  showReport(answer);
  const errors = (answer.errors || []).length;
  const warnings = (answer.warnings || []).length;
  if (answer.message && !answer.errors) {
    say(answer.message, "error");
  } else if (errors) {
    say(texts.hasErrors.replace("{errors}", errors).replace("{warnings}", warnings), "error");
  } else if (warnings) {
    say(texts.onlyWarnings.replace("{warnings}", warnings), "warning");
  } else {
    say(texts.valid, "ok");
  }
}

async function saveDraft() {
  const { ok, answer } = await post(root.dataset.draftUrl, await currentXml());
  showReport(answer);
  if (ok) {
    dirty = false;
  }
  say(answer.message || texts.serverError, ok ? "ok" : "error");
}

async function deploy() {
  const { ok, answer } = await post(root.dataset.deployUrl, await currentXml());
  showReport(answer);
  if (!ok) {
    say(answer.message || texts.serverError, "error");
    return;
  }
  dirty = false;
  say(answer.message, "ok");
  const link = root.querySelector("[data-deployed-link]");
  if (link && answer.url) {
    link.href = answer.url;
    link.hidden = false;
  }
  if (answer.version) {
    root.dataset.basedOn = String(answer.version);
    const heading = document.getElementById("opened-as");
    if (heading) {
      heading.textContent = ` · ${texts.deployedAs.replace("{version}", answer.version)}`;
    }
  }
}

const actions = { validate, "save-draft": saveDraft, deploy };
for (const button of root.querySelectorAll("[data-action]")) {
  button.addEventListener("click", () => run(button, actions[button.dataset.action]));
}

modeler.on("commandStack.changed", () => {
  dirty = true;
  say(texts.unsaved, "warning");
});
window.addEventListener("beforeunload", (event) => {
  if (dirty) {
    event.preventDefault();
  }
});

// Show the whole diagram at the largest scale (at most 1) that leaves the palette's strip on the
// left free, so the palette covers no element.
function fitBesidePalette(canvas) {
  const palette = 140;
  const pad = 16;
  const { inner, outer } = canvas.viewbox();
  if (!inner.width || !inner.height) {
    return;
  }
  const scale = Math.min(
    (outer.width - palette - pad) / inner.width,
    (outer.height - 2 * pad) / inner.height,
    1,
  );
  // Centred in the space right of the palette.
  const freeX = (outer.width - palette - pad) / scale - inner.width;
  const freeY = outer.height / scale - inner.height;
  canvas.viewbox({
    x: inner.x - palette / scale - freeX / 2,
    y: inner.y - freeY / 2,
    width: outer.width / scale,
    height: outer.height / scale,
  });
}

async function load() {
  say(texts.loading, "busy");
  try {
    const response = await fetch(root.dataset.sourceUrl, { credentials: "same-origin" });
    if (!response.ok) {
      say(`${texts.serverError} (${response.status})`, "error");
      return;
    }
    const { warnings } = await modeler.importXML(await response.text());
    fitBesidePalette(modeler.get("canvas"));
    dirty = false;
    say(warnings.length ? texts.importWarnings.replace("{count}", warnings.length) : texts.loaded, "ok");
    root.dataset.ready = "true";
    if (root.dataset.checkOnLoad === "true") {
      await validate();
    }
  } catch (error) {
    say(`${texts.cannotDraw}: ${error.message || error}`, "error");
    root.dataset.ready = "error";
  }
}

load();
