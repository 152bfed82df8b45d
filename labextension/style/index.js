import './base.css';
import './keyboard.css';
