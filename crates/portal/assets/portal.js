// The portal's only script: copy buttons next to keys and tokens. Without it the values are
// still on the page to select and copy by hand, so the buttons start hidden.
document.querySelectorAll('button[data-copy]').forEach((button) => {
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener('click', async () => {
    const text = document.getElementById(button.dataset.copy).textContent;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select the text and copy it by hand';
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
});
