// `express4` is Express 4 installed under an npm alias (package.json). Its API, as far as
// this lab uses it, is the one @types/express describes.
declare module 'express4' {
  import express = require('express');
  export = express;
}
