// The page's own behaviour, kept out of the HTML so the CSP can forbid inline scripts.
document.addEventListener("click", (event) => {
  const example = event.target.closest("button.example");
  if (example) document.getElementById("request").value = example.textContent;
});
