/**
 * The cross-browser scenarios (scenarios.ts) in WebKitGTK, the engine Safari shares, through
 * selenium-webdriver and the WebKitWebDriver that `npm test` starts under Xvfb
 * (WEBKIT_WEBDRIVER_URL), or WEBKIT_SKIP with the reason and the command that installs it.
 */
import { webkitDriver } from '../support/driver-webkit.ts';
import { crossBrowserSuite } from './scenarios.ts';

const url = process.env.WEBKIT_WEBDRIVER_URL;
const skip = process.env.WEBKIT_SKIP || (url ? undefined : 'WEBKIT_WEBDRIVER_URL is not set: run this file through `npm test`');
crossBrowserSuite('WebKitGTK', 'webkit', () => webkitDriver(url!, process.env.WEBKIT_MINIBROWSER), skip);
