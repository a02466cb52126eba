/**
 * The cross-browser scenarios (scenarios.ts) in Firefox, through puppeteer-core over WebDriver
 * BiDi. `npm test` finds or installs Firefox and sets FIREFOX_PATH, or FIREFOX_SKIP with the reason
 * and the command that installs it.
 */
import { firefoxDriver } from '../support/driver-firefox.ts';
import { crossBrowserSuite } from './scenarios.ts';

const path = process.env.FIREFOX_PATH;
const skip = process.env.FIREFOX_SKIP || (path ? undefined : 'FIREFOX_PATH is not set: run this file through `npm test`');
crossBrowserSuite('Firefox', 'firefox', () => firefoxDriver(path!), skip);
