// The Markdown table of a bench run (bench/results/latest.md and the README's benchmark section).
const DETAIL_SKIP = new Set(['section', 'name', 'value', 'unit', 'target', 'meetsTarget']);

export function renderMarkdown(results) {
  const m = results.machine;
  const rows = results.figures.map((f) => {
    const detail = Object.entries(f)
      .filter(([k]) => !DETAIL_SKIP.has(k))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const target = f.target ? `${f.target} ${f.meetsTarget ? '✅' : '❌'}` : '';
    const value = f.value === null ? 'failed' : f.value.toLocaleString('en');
    return `| ${f.section} | ${f.name} | ${value} | ${f.unit} | ${target} | ${detail} |`;
  });
  return [
    `# Benchmark (${results.ranAt}, ${results.mode} run${results.durationSeconds ? `, ${Math.round(results.durationSeconds / 60)} min` : ''})`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. ` +
      `Data: ${results.scale.touchpoints.toLocaleString('en')} touchpoints about ${results.scale.customers.toLocaleString('en')} customers ` +
      "(the simulator's traffic, with e-mails, phones and consents); each figure says what it was measured on.",
    '',
    '| leg | figure | value | unit | target | detail |',
    '| --- | --- | ---: | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
