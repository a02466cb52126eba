/** The cross-browser scenarios (scenarios.ts) in Chromium, through playwright-core. */
import { chromiumDriver } from '../support/driver-chromium.ts';
import { crossBrowserSuite } from './scenarios.ts';

crossBrowserSuite('Chromium', 'chromium', chromiumDriver);
