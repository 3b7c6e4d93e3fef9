/**
 * Runs before every test file. The AWS SDK warns once per process that its releases after January 2027
 * need Node.js 22; the warning says nothing about the code under test, so the suite turns it off.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
