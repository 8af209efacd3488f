// The lead pipeline board: drag a card onto another column to move the lead (HTML5 drag and drop).
// A column accepts a card only when the move is allowed (the card's data-allowed lists the stages).
// "signed" opens the agreement form and "dropped" the reason form; other moves are POSTed with the CSRF
// token from <body hx-headers>, and the server answers the redrawn board or a readable refusal.
(function () {
  "use strict";
  var dragged = null;
  var hovered = null;
  var dropped = false;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }
  function showMessage(text) {
    var box = document.getElementById("board-message");
    if (!box) { return; }
    box.textContent = text || "";
    box.classList.toggle("d-none", !text);
  }
  function text(name) {
    var box = document.getElementById("board-message");
    return box ? box.dataset[name] || "" : "";
  }
  function columnOf(el) { return el && el.closest ? el.closest(".dz-board-column") : null; }
  function allows(card, stage) {
    return card && (" " + card.dataset.allowed + " ").indexOf(" " + stage + " ") >= 0;
  }
  function mark(card) {
    document.querySelectorAll(".dz-board-column").forEach(function (col) {
      col.classList.toggle("dz-drop-ok", !!card && allows(card, col.dataset.stage));
      col.classList.toggle("dz-drop-no", !!card && !allows(card, col.dataset.stage) &&
        col !== columnOf(card));
    });
  }

  function move(card, stage) {
    if (stage === "signed") { window.location.href = card.dataset.signUrl; return; }
    if (stage === "dropped") { window.location.href = card.dataset.dropUrl; return; }
    var board = document.getElementById("board");
    var inner = board.querySelector(".dz-board");
    var body = new URLSearchParams();
    body.set("stage", stage);
    body.set("query", inner ? inner.dataset.query || "" : "");
    fetch(card.dataset.moveUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRFToken": csrfToken(), "X-Board": "1" }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) { showMessage(text); return; }
        showMessage("");
        board.innerHTML = text;
        if (window.htmx) { window.htmx.process(board); }
        board.dispatchEvent(new CustomEvent("board:moved", { bubbles: true }));
      });
    }).catch(function () { showMessage(text("msgNetwork")); });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".dz-card") : null;
    if (!card) { return; }
    dragged = card;
    hovered = null;
    dropped = false;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.lead);
    mark(card);
  });
  document.addEventListener("dragend", function (event) {
    var card = event.target.closest ? event.target.closest(".dz-card") : null;
    if (card && !dropped && hovered && hovered !== columnOf(card) && !allows(card, hovered.dataset.stage)) {
      showMessage(text("msgRefused") + hovered.querySelector("strong").textContent);
    }
    dragged = null;
    hovered = null;
    mark(null);
  });
  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (column) { hovered = column; }
    if (column && dragged && allows(dragged, column.dataset.stage)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    }
  });
  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!column || !dragged) { return; }
    event.preventDefault();
    dropped = true;
    var card = dragged;
    dragged = null;
    mark(null);
    if (column === columnOf(card)) { return; }
    if (!allows(card, column.dataset.stage)) {
      showMessage(text("msgRefused") + column.querySelector("strong").textContent);
      return;
    }
    move(card, column.dataset.stage);
  });
})();
