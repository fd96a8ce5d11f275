// The live Q&A of a briefing: fetch the answers published after the last one shown and add them to the list.
// Without JavaScript the page works the same; reloading it shows the new answers.
(function () {
  "use strict";
  var list = document.getElementById("answers");
  if (!list || list.dataset.live !== "yes") { return; }
  var waiting = document.getElementById("waiting");
  var id = list.dataset.briefing;
  var every = 3000;

  function item(q) {
    var li = document.createElement("li");
    li.id = "answer-" + q.number;
    var question = document.createElement("p");
    question.className = "q";
    var strong = document.createElement("strong");
    strong.textContent = "Q" + q.number + ".";
    question.appendChild(strong);
    question.appendChild(document.createTextNode(" " + q.question + " "));
    var who = document.createElement("span");
    who.className = "small muted";
    var bits = [q.firm];
    if (q.project) { bits.push(list.dataset.project + " " + q.project); }
    if (!q.live) { bits.push(list.dataset.advance); }
    who.textContent = "(" + bits.join(" · ") + ")";
    question.appendChild(who);
    var answer = document.createElement("p");
    answer.className = "a prewrap";
    var a = document.createElement("strong");
    a.textContent = "A.";
    answer.appendChild(a);
    answer.appendChild(document.createTextNode(" " + q.answer));
    li.appendChild(question);
    li.appendChild(answer);
    return li;
  }

  function poll() {
    fetch("/api/v1/briefings/" + id + "/answers?after=" + list.dataset.after, {
      headers: { "Accept": "application/json", "Accept-Language": document.documentElement.lang || "ko" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data) {
        data.answered.forEach(function (q) {
          if (!document.getElementById("answer-" + q.number)) { list.appendChild(item(q)); }
          var pending = document.getElementById("question-" + q.number);
          if (pending) { pending.remove(); }
        });
        if (data.answered.length) {
          var empty = document.getElementById("no-answers");
          if (empty) { empty.remove(); }
        }
        list.dataset.after = String(Math.max(Number(list.dataset.after), data.last_answer));
        if (waiting) { waiting.textContent = waiting.dataset.template.replace("{n}", data.waiting_count); }
        if (data.phase === "ended") { return; }
      }
      window.setTimeout(poll, every);
    }).catch(function () { window.setTimeout(poll, every * 2); });
  }
  window.setTimeout(poll, every);
})();
