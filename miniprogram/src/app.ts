import { type PropsWithChildren } from 'react';
import './app.scss';

// The pages decide where to go (login or home); the app shell only holds global styles.
function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
