export * from './cdn-distribution';
export * from './cloudfront-origin-prefix-list';
