// `pnpm bench`: benchmarks arrive with the benchmark issue.
console.log('no benchmarks yet');
