// Draws the charts of a report page with plotly.js, from the figures the page carries as JSON.
// Each chart is followed by a table of the same numbers, so the page is whole without this file.
const plotly = window.Plotly;

for (const container of document.querySelectorAll("[data-chart]")) {
  const source = document.getElementById(container.dataset.chart);
  if (!plotly || !source) {
    continue;
  }
  const figure = JSON.parse(source.textContent);
  // No mode bar: its buttons need inline styles, which the portal's security policy refuses,
  // and the table after each chart is the way to read exact figures.
  plotly.newPlot(container, figure.data, figure.layout, {
    displayModeBar: false,
    responsive: true,
  });
}
