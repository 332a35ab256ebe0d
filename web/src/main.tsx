import { render } from 'preact';
import { App } from './app';
import { applyTheme, currentTheme } from './theme';
import './styles.css';

applyTheme(currentTheme(), false);
render(<App />, document.getElementById('app')!);
