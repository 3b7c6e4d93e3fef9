export * from './web-firewall';
