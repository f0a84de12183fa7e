import React from 'react';
import ReactDOM from 'react-dom';
import { createReactApp } from '@tarojs/plugin-framework-react/dist/runtime';

// Taro's React hooks need the framework wired once, as the app entry does in a build.
createReactApp(() => null, React, ReactDOM, { pages: [] } as never);
