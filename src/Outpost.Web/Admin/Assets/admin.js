// Outpost admin pages: copy buttons, and the size check before a compose upload.
"use strict";

document.addEventListener("click", async (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const text = button.dataset.copy ?? "";
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without the clipboard API (an insecure origin), copy through a selected text area.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  const label = button.textContent;
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = label; }, 1500);
});

// The server enforces the limit on the encoded message; this says so before a long upload.
const compose = document.getElementById("compose");
if (compose) {
  const max = Number(compose.dataset.maxBytes);
  const files = compose.querySelector("input[type=file]");
  const error = document.getElementById("size-error");
  const tooBig = () => {
    let total = compose.querySelector("textarea").value.length;
    for (const file of files.files) total += Math.ceil(file.size * 4 / 3);
    return total > max;
  };
  const show = () => {
    const big = tooBig();
    error.hidden = !big;
    error.textContent = big ? compose.dataset.tooBig : "";
    return big;
  };
  files.addEventListener("change", show);
  compose.addEventListener("submit", (event) => { if (show()) event.preventDefault(); });
}
