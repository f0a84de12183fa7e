import React from 'react';
import ReactDOM from 'react-dom';
import { createReactApp } from '@tarojs/plugin-framework-react/dist/runtime';
import { fakeLive } from './fake-live';

// Taro's React hooks need the framework wired once, as the app entry does in a build.
createReactApp(() => null, React, ReactDOM, { pages: [] } as never);

// Pages keep current over the live socket (src/live): a fake server answers it in tests.
fakeLive();
