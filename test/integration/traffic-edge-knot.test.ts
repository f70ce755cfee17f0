import { startKnot } from '../support/traffic-knot.js';
import { edgeServerSuite } from '../support/traffic-edge-suite.js';

edgeServerSuite('Knot DNS', startKnot);
