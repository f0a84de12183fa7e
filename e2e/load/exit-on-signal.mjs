// Preloaded (node --import) into the server when load.mjs profiles it: exit at once on SIGINT or
// SIGTERM, so that --cpu-prof writes its profile (a process killed by a signal writes none, and
// Nest's shutdown hooks end by re-sending the signal).
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
