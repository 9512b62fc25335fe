// Runs the compiled client against the API given on the command line and prints what it saw.
import { journey } from './client.js';

console.log(JSON.stringify(await journey(process.argv[2], process.argv[3])));
