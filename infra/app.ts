#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildRectifyApp } from './rectifyApp.js';

// The CLI runs this with cdk.json's context; the app synthesizes itself on exit.
buildRectifyApp(new App());
