import { startPowerDns } from '../support/traffic-pdns.js';
import { edgeServerSuite } from '../support/traffic-edge-suite.js';

edgeServerSuite('PowerDNS Authoritative (gsqlite3)', startPowerDns);
