#!/usr/bin/env node
import { fileURLToPath } from "node:url";
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2), { entry: fileURLToPath(import.meta.url) });
